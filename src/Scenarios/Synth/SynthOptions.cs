using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Synth;

/// <summary>The profiles <c>tracetools synth --profile</c> knows.</summary>
public static class SynthProfile
{
    /// <summary>4 cpus and 4 devices doing what real drivers do (docs/synth.md).</summary>
    public const string DriverMix = "driver-mix";

    /// <summary>Every profile name.</summary>
    public static readonly string[] Names = [DriverMix];

    /// <summary>True when <paramref name="name"/> is a known profile.</summary>
    public static bool IsKnown(string name) => Array.IndexOf(Names, name) >= 0;
}

/// <summary>What to synthesize: how many events, from which seed, for which arch, how buggy.</summary>
public sealed record SynthOptions
{
    /// <summary>Exact number of events to emit (the last protocol instance is cut where the count runs out).</summary>
    public required long Events { get; init; }
    /// <summary>Seed of the deterministic generator: the same options give the same trace, byte for byte.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Whose ordering rules the correct protocols follow; arm64 by default.</summary>
    public Arch Arch { get; init; } = Arch.Arm64;
    /// <summary>Fraction (0..1) of protocol instances turned into bugs.</summary>
    public double InjectRate { get; init; }

    /// <summary>Null when the options are usable, else a one-line reason.</summary>
    public string? Validate()
    {
        if (Events < 0) return $"--events must be non-negative, not {Events}";
        if (!(InjectRate >= 0 && InjectRate <= 1)) return $"--inject takes a fraction between 0 and 1, not {InjectRate}";
        if (!Enum.IsDefined(Arch)) return $"unknown arch {(byte)Arch}";
        return null;
    }
}
