namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// <c>TRACETOOLS_SIMD=scalar</c> (any case, as the replay's WordCells reads it) forces every decode kernel to its
/// scalar twin: the tests' way to run the twins through a whole trace, and a user's way around a suspected kernel.
/// </summary>
static class SimdSetting
{
    /// <summary>True when the environment asks for the scalar kernels.</summary>
    public static readonly bool ForcedScalar = AsksForScalar(Environment.GetEnvironmentVariable("TRACETOOLS_SIMD"));

    /// <summary>True when a <c>TRACETOOLS_SIMD</c> value asks for the scalar kernels (<c>scalar</c>, any case).</summary>
    public static bool AsksForScalar(string? value) => string.Equals(value, "scalar", StringComparison.OrdinalIgnoreCase);
}
