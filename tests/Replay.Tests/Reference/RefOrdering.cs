using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>Access classes of model.md §1, as a set.</summary>
[Flags]
public enum Cls
{
    None = 0,
    R = 1, // cpu load
    W = 2, // cpu store
    I = 4, // cpu MMIO read
    O = 8, // cpu MMIO write, dev_invalidate
    C = 16, // cache maintenance
    All = R | W | I | O | C,
}

/// <summary>What one barrier orders (model.md §3 barrier table and Precise rules), spelled out literally.</summary>
/// <param name="Pred">Classes it orders before it.</param>
/// <param name="Succ">Classes it orders after it.</param>
/// <param name="Full">Domain outer/full (reaches devices and cpus); false: inner (cpus only).</param>
/// <param name="Completion">A completion barrier (needed to order cache maintenance).</param>
public sealed record BarrierSemantics(Cls Pred, Cls Succ, bool Full, bool Completion);

/// <summary>The architecture tables of model.md §3, one literal function per table.</summary>
public static class RefOrdering
{
    /// <summary>class(e) per model.md §1; None for barriers, locks, irqs and device events.</summary>
    public static Cls ClassOf(EventKind k) => k switch
    {
        EventKind.Load => Cls.R,
        EventKind.Store => Cls.W,
        EventKind.MmioRead => Cls.I,
        EventKind.MmioWrite or EventKind.DevInvalidate => Cls.O,
        EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush => Cls.C,
        _ => Cls.None,
    };

    /// <summary>The "preserved pairs" table: same cpu, no barrier.</summary>
    public static bool Preserved(Arch arch, Cls a, Cls b) => arch switch
    {
        Arch.Sc => true,
        // TSO: everything but w→r; cache maintenance only by mfence/sfence (either side of the pair).
        Arch.X86_64 => a != Cls.C && b != Cls.C && !(a == Cls.W && b == Cls.R),
        // arm64 and riscv64: device-memory order only.
        _ => (a, b) is (Cls.O, Cls.O) or (Cls.I, Cls.I) or (Cls.I, Cls.O),
    };

    const Cls RI = Cls.R | Cls.I, WO = Cls.W | Cls.O;

    static readonly string[] LoadOnlyArmOptions = ["ishld", "oshld", "ld"];

    /// <summary>The barrier table plus the Precise rules; null for a barrier that orders nothing in hardware.</summary>
    public static BarrierSemantics? Semantics(Arch arch, BarrierCode code)
    {
        if (code.Value == 0) return null;
        if (code.IsLinux)
        {
            string n = code.ToString();
            return arch switch
            {
                // sc preserves every pair anyway: give every Linux kind full strength.
                Arch.Sc => new(Cls.All, Cls.All, true, true),
                Arch.Arm64 => Arm(n switch
                {
                    "mb" => "dsb.sy", "rmb" => "dsb.ld", "wmb" => "dsb.st",
                    "dma_mb" => "dmb.osh", "dma_rmb" => "dmb.oshld", "dma_wmb" => "dmb.oshst",
                    "smp_mb" => "dmb.ish", "smp_rmb" => "dmb.ishld", _ => "dmb.ishst",
                }),
                Arch.X86_64 => n switch
                {
                    "mb" or "dma_mb" or "smp_mb" => X86("mfence"),
                    "rmb" => X86("lfence"),
                    "wmb" => X86("sfence"),
                    _ => null, // compiler only
                },
                _ => n switch
                {
                    "mb" or "dma_mb" => Fence("iorw", "iorw"),
                    "rmb" or "dma_rmb" => Fence("ir", "ir"),
                    "wmb" or "dma_wmb" => Fence("ow", "ow"),
                    "smp_mb" => Fence("rw", "rw"),
                    "smp_rmb" => Fence("r", "r"),
                    _ => Fence("w", "w"),
                },
            };
        }
        if (code.IsDmb || code.IsDsb) return Arm(code.ToString());
        if (code.IsX86) return X86(code.ToString());
        if (code.IsRiscvFence) return Fence(BarrierCode.FenceSetName(code.FencePred), BarrierCode.FenceSetName(code.FenceSucc));
        return null;
    }

    static BarrierSemantics Arm(string spelled)
    {
        bool dsb = spelled.StartsWith("dsb", StringComparison.Ordinal);
        string opt = spelled[4..];
        // dmb rows: from the Linux table (smp_* = ish*, dma_* = osh*) and the Precise rules (sy/st/ld).
        var (pred, succ, full) = opt switch
        {
            "ish" => (Cls.All, Cls.All, false),
            "ishst" => (Cls.W, Cls.W, false),
            "ishld" => (Cls.R, Cls.All, false),
            "osh" => (Cls.All, Cls.All, true),
            "oshst" => (WO, WO, true),
            "oshld" => (RI, Cls.All, true),
            "sy" => (Cls.All, Cls.All, true),
            "st" => (WO, WO, true),
            _ => (RI, Cls.All, true), // ld
        };
        // dsb.X: the sets of dmb.X plus completion, and c in pred unless X is load-only.
        if (dsb && Array.IndexOf(LoadOnlyArmOptions, opt) < 0) pred |= Cls.C;
        return new(pred, succ, full, dsb);
    }

    static BarrierSemantics X86(string name) => name switch
    {
        "mfence" => new(Cls.All, Cls.All, true, true),
        "sfence" => new(WO | Cls.C, WO | Cls.C, true, true),
        _ => new(RI, Cls.All, true, false), // lfence
    };

    static BarrierSemantics Fence(string pred, string succ)
    {
        Cls p = Letters(pred), s = Letters(succ);
        // riscv: full domain only when a set names i or o; cbo.* behaves as a store: a fence whose
        // pred holds w also holds c and completes it (and succ w holds c, for symmetry).
        bool full = ((p | s) & (Cls.I | Cls.O)) != 0;
        bool completes = (p & Cls.W) != 0;
        if ((p & Cls.W) != 0) p |= Cls.C;
        if ((s & Cls.W) != 0) s |= Cls.C;
        return new(p, s, full, completes);
    }

    static Cls Letters(string set)
    {
        Cls c = Cls.None;
        foreach (char ch in set)
            c |= ch switch { 'i' => Cls.I, 'o' => Cls.O, 'r' => Cls.R, 'w' => Cls.W, _ => Cls.None };
        return c;
    }
}
