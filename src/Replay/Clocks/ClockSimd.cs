using System.Runtime.Intrinsics;

namespace TraceTools.Replay.Clocks;

/// <summary>Which kernel joins vector clocks. Every variant computes the same result.</summary>
public enum ClockSimd : byte
{
    /// <summary>One component at a time: the reference twin of the vector kernels.</summary>
    Scalar = 0,
    /// <summary>Eight components per <see cref="Vector256{T}"/> max.</summary>
    V256 = 1,
    /// <summary>Sixteen components per <see cref="Vector512{T}"/> max.</summary>
    V512 = 2,
}

/// <summary>Picks the clock kernel: the widest accelerated one, or the one forced by <c>TRACETOOLS_SIMD</c>.</summary>
public static class ClockSimdSelector
{
    /// <summary>Clock widths are rounded up to this many components, so every kernel needs no tail loop.</summary>
    public const int Lanes = 16;

    /// <summary>The kernel used when options do not force one.</summary>
    public static ClockSimd Default { get; } = Pick(Environment.GetEnvironmentVariable("TRACETOOLS_SIMD"));

    /// <summary>The kernels this machine can run (scalar always; the vector ones when accelerated).</summary>
    public static IReadOnlyList<ClockSimd> Supported { get; } = BuildSupported();

    /// <summary>Parses <c>scalar|v256|v512</c> (case-insensitive); anything else picks the widest accelerated kernel.</summary>
    public static ClockSimd Pick(string? forced)
    {
        ClockSimd best = Vector512.IsHardwareAccelerated ? ClockSimd.V512
            : Vector256.IsHardwareAccelerated ? ClockSimd.V256 : ClockSimd.Scalar;
        return forced?.ToLowerInvariant() switch
        {
            "scalar" => ClockSimd.Scalar,
            // A forced vector width still runs when not accelerated (the JIT emulates it): slower, same result.
            "v256" => ClockSimd.V256,
            "v512" => ClockSimd.V512,
            _ => best,
        };
    }

    static ClockSimd[] BuildSupported()
    {
        var list = new List<ClockSimd> { ClockSimd.Scalar };
        if (Vector256.IsHardwareAccelerated) list.Add(ClockSimd.V256);
        if (Vector512.IsHardwareAccelerated) list.Add(ClockSimd.V512);
        return [.. list];
    }

    /// <summary>Clock width for <paramref name="agents"/> agents: rounded up to <see cref="Lanes"/>.</summary>
    public static int Width(int agents) => Math.Max(Lanes, (agents + Lanes - 1) / Lanes * Lanes);
}
