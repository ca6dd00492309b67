using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth.Oracle;

/// <summary>Access classes of model.md §1 as bits.</summary>
[Flags]
internal enum Cls : byte { None = 0, R = 1, W = 2, I = 4, O = 8, C = 16, All = 31 }

/// <summary>A barrier's meaning on one arch (model.md §3 table).</summary>
internal readonly record struct BarrierMeaning(Cls Pred, Cls Succ, bool Outer, bool Inner, bool Completion)
{
    public static readonly BarrierMeaning Nothing = new(Cls.None, Cls.None, false, false, false);

    /// <summary>Whether the barrier's domain reaches a device (outer) or a cpu (inner) observer.</summary>
    public bool Reaches(bool device) => device ? Outer : (Outer || Inner);
}

/// <summary>model.md §3 for the Linux barrier kinds (the only ones the generator emits).</summary>
internal static class OrderingRules
{
    public static bool Preserved(Arch arch, Cls a, Cls b) => arch switch
    {
        Arch.Sc => true,
        Arch.X86_64 => a != Cls.C && !(a == Cls.W && b == Cls.R),
        _ => (a, b) is (Cls.O, Cls.O) or (Cls.I, Cls.I) or (Cls.I, Cls.O),
    };

    public static BarrierMeaning Meaning(Arch arch, uint code)
    {
        var bc = new BarrierCode((ushort)code);
        if (!bc.IsLinux) return BarrierMeaning.Nothing; // compiler barrier: nothing in hardware
        string name = bc.ToString();
        const Cls all = Cls.All;
        switch (arch)
        {
            case Arch.Sc:
                return new(all, all, true, true, true);
            case Arch.Arm64:
                return name switch
                {
                    "mb" => new(all, all, true, true, true),
                    "rmb" => new(Cls.R | Cls.I, all, true, true, true),
                    "wmb" => new(Cls.W | Cls.O | Cls.C, Cls.W | Cls.O, true, true, true),
                    "dma_mb" => new(all, all, true, false, false),
                    "dma_rmb" => new(Cls.R | Cls.I, all, true, false, false),
                    "dma_wmb" => new(Cls.W | Cls.O, Cls.W | Cls.O, true, false, false),
                    "smp_mb" => new(all, all, false, true, false),
                    "smp_rmb" => new(Cls.R, all, false, true, false),
                    _ => new(Cls.W, Cls.W, false, true, false), // smp_wmb
                };
            case Arch.X86_64:
                return name switch
                {
                    "mb" or "dma_mb" or "smp_mb" => new(all, all, true, true, true),
                    "rmb" => new(Cls.R | Cls.I, all, true, true, false),
                    "wmb" => new(Cls.W | Cls.O | Cls.C, Cls.W | Cls.O | Cls.C, true, true, true),
                    _ => BarrierMeaning.Nothing,
                };
            default:
                (int p, int s) = name switch
                {
                    "mb" or "dma_mb" => (15, 15),
                    "rmb" or "dma_rmb" => (8 | 2, 8 | 2),
                    "wmb" or "dma_wmb" => (4 | 1, 4 | 1),
                    "smp_mb" => (2 | 1, 2 | 1),
                    "smp_rmb" => (2, 2),
                    _ => (1, 1),
                };
                return Fence(p, s);
        }
    }

    /// <summary>riscv fence P,S: reaches devices only through i/o; a pred with w also holds c, with completion.</summary>
    static BarrierMeaning Fence(int p, int s)
    {
        static Cls Set(int m) => ((m & 8) != 0 ? Cls.I : 0) | ((m & 4) != 0 ? Cls.O : 0) | ((m & 2) != 0 ? Cls.R : 0) | ((m & 1) != 0 ? Cls.W : 0);
        var pred = Set(p);
        bool w = (pred & Cls.W) != 0;
        if (w) pred |= Cls.C;
        bool io = ((p | s) & 12) != 0;
        return new(pred, Set(s), io, true, w);
    }
}
