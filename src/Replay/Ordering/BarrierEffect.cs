using TraceTools.TraceFormat;

namespace TraceTools.Replay.Ordering;

/// <summary>How far a barrier reaches: nowhere (compiler), cpus only, or cpus and devices.</summary>
enum BarrierReach : byte { None = 0, Inner = 1, Outer = 2 }

/// <summary>
/// What one barrier does on one arch: predecessor and successor class sets, how far it reaches and
/// whether it is a completion barrier (model.md §3 barrier table and Precise rules). The <c>c</c> class
/// is kept in <see cref="Pred"/> only for completion barriers, since only they order cache maintenance.
/// </summary>
readonly record struct BarrierEffect(byte Pred, byte Succ, BarrierReach Reach, bool Completion)
{
    public static readonly BarrierEffect Nothing = new(0, 0, BarrierReach.None, false);

    /// <summary>The effect of <paramref name="code"/> on <paramref name="arch"/>.</summary>
    public static BarrierEffect Of(Arch arch, BarrierCode code)
    {
        if (code.Value == 0) return Nothing;
        var raw = arch switch
        {
            Arch.Arm64 => Arm64(code),
            Arch.X86_64 => X86(code),
            Arch.Riscv64 => Riscv(code),
            // sc preserves every pair already: barriers add nothing, but give them full effect for uniformity.
            _ => new BarrierEffect(ClassSet.All, ClassSet.All, BarrierReach.Outer, true),
        };
        // Cache maintenance is ordered only by completion barriers.
        return raw.Completion ? raw : raw with { Pred = (byte)(raw.Pred & ~ClassSet.C) };
    }

    const byte All = ClassSet.All, RI = ClassSet.R | ClassSet.I, WO = ClassSet.W | ClassSet.O;

    static BarrierEffect Arm64(BarrierCode code)
    {
        if (code.IsLinux)
        {
            return code.Value switch
            {
                1 => Dmb(6, dsb: true),  // mb = dsb sy
                2 => Dmb(8, dsb: true),  // rmb = dsb ld
                3 => Dmb(7, dsb: true),  // wmb = dsb st
                4 => Dmb(3, false),      // dma_mb = dmb osh
                5 => Dmb(5, false),      // dma_rmb = dmb oshld
                6 => Dmb(4, false),      // dma_wmb = dmb oshst
                7 => Dmb(0, false),      // smp_mb = dmb ish
                8 => Dmb(2, false),      // smp_rmb = dmb ishld
                _ => Dmb(1, false),      // smp_wmb = dmb ishst
            };
        }
        if (code.IsDmb) return Dmb(code.Arm64Option, false);
        if (code.IsDsb) return Dmb(code.Arm64Option, true);
        return Nothing;
    }

    /// <summary>arm64 dmb/dsb by option: ish, ishst, ishld, osh, oshst, oshld, sy, st, ld.</summary>
    static BarrierEffect Dmb(int option, bool dsb)
    {
        var e = option switch
        {
            0 => new BarrierEffect(All, All, BarrierReach.Inner, false),
            1 => new BarrierEffect(ClassSet.W, ClassSet.W, BarrierReach.Inner, false),
            2 => new BarrierEffect(ClassSet.R, All, BarrierReach.Inner, false),
            3 => new BarrierEffect(All, All, BarrierReach.Outer, false),
            4 => new BarrierEffect(WO, WO, BarrierReach.Outer, false),
            5 => new BarrierEffect(RI, All, BarrierReach.Outer, false),
            6 => new BarrierEffect(All, All, BarrierReach.Outer, false),
            7 => new BarrierEffect(WO, WO, BarrierReach.Outer, false),
            _ => new BarrierEffect(RI, All, BarrierReach.Outer, false),
        };
        if (!dsb) return e;
        bool loadOnly = option is 2 or 5 or 8;
        return e with { Completion = true, Pred = loadOnly ? e.Pred : (byte)(e.Pred | ClassSet.C) };
    }

    static BarrierEffect X86(BarrierCode code)
    {
        // mfence = all → all, completion; sfence = w,o,c → w,o,c, completion; lfence = r,i → all.
        var mfence = new BarrierEffect(All, All, BarrierReach.Outer, true);
        var sfence = new BarrierEffect(WO | ClassSet.C, WO | ClassSet.C, BarrierReach.Outer, true);
        var lfence = new BarrierEffect(RI, All, BarrierReach.Outer, false);
        if (code.IsX86) return code.Value switch { 0x30 => mfence, 0x31 => sfence, _ => lfence };
        return code.Value switch
        {
            1 or 4 or 7 => mfence,  // mb, dma_mb, smp_mb
            2 => lfence,            // rmb
            3 => sfence,            // wmb
            _ => Nothing,           // dma_rmb, dma_wmb, smp_rmb, smp_wmb: compiler only
        };
    }

    static BarrierEffect Riscv(BarrierCode code)
    {
        const int i = BarrierCode.FenceI, o = BarrierCode.FenceO, r = BarrierCode.FenceR, w = BarrierCode.FenceW;
        (int p, int s) = code.IsLinux
            ? code.Value switch
            {
                1 or 4 => (i | o | r | w, i | o | r | w),
                2 or 5 => (i | r, i | r),
                3 or 6 => (o | w, o | w),
                7 => (r | w, r | w),
                8 => (r, r),
                _ => (w, w),
            }
            : code.IsRiscvFence ? (code.FencePred, code.FenceSucc) : (0, 0);
        if (p == 0 || s == 0) return Nothing;
        // A fence reaches devices only through its i/o bits; cbo.* behaves as a store (w implies c, completed).
        var reach = ((p | s) & (i | o)) != 0 ? BarrierReach.Outer : BarrierReach.Inner;
        return new BarrierEffect(FenceSet(p), FenceSet(s), reach, (p & w) != 0);
    }

    static byte FenceSet(int mask)
    {
        int set = 0;
        if ((mask & BarrierCode.FenceI) != 0) set |= ClassSet.I;
        if ((mask & BarrierCode.FenceO) != 0) set |= ClassSet.O;
        if ((mask & BarrierCode.FenceR) != 0) set |= ClassSet.R;
        if ((mask & BarrierCode.FenceW) != 0) set |= ClassSet.W | ClassSet.C;
        return (byte)set;
    }
}
