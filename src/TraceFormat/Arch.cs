namespace TraceTools.TraceFormat;

/// <summary>The architecture whose ordering rules a trace was recorded under (model.md §3).</summary>
public enum Arch : byte
{
    /// <summary>Sequential consistency: every pair preserved, cache maintenance included.</summary>
    Sc = 0,
    /// <summary>x86-64: TSO, all pairs but store→load; cache maintenance only by mfence/sfence.</summary>
    X86_64 = 1,
    /// <summary>arm64: only device-memory pairs o→o, i→i, i→o are preserved.</summary>
    Arm64 = 2,
    /// <summary>riscv64: like arm64 (I/O channel order); everything else needs a fence.</summary>
    Riscv64 = 3,
}

/// <summary>Names of <see cref="Arch"/> as the scenario language and reports spell them.</summary>
public static class ArchNames
{
    /// <summary>Every architecture, in declaration order.</summary>
    public static readonly Arch[] All = [Arch.Sc, Arch.X86_64, Arch.Arm64, Arch.Riscv64];

    /// <summary>The spelling used in scenarios and reports: <c>sc</c>, <c>x86_64</c>, <c>arm64</c>, <c>riscv64</c>.</summary>
    public static string Name(this Arch arch) => arch switch
    {
        Arch.Sc => "sc",
        Arch.X86_64 => "x86_64",
        Arch.Arm64 => "arm64",
        Arch.Riscv64 => "riscv64",
        _ => $"arch{(byte)arch}",
    };

    /// <summary>Parses an architecture name; <c>false</c> for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out Arch arch)
    {
        foreach (var a in All)
        {
            if (name.SequenceEqual(a.Name())) { arch = a; return true; }
        }
        arch = default;
        return false;
    }
}
