using TraceTools.TraceFormat;

namespace TraceTools.Replay.Ordering;

/// <summary>
/// What a report may ask of one barrier (docs/model.md §3, barrier table): a view over the engine's barrier
/// effects for consumers outside it, so that a report names the barrier that did not help by the same rule the
/// detectors judged with.
/// </summary>
public static class BarrierQuery
{
    /// <summary>
    /// True when <paramref name="code"/> on <paramref name="arch"/> orders a cpu's earlier cache maintenance for a
    /// device: a completion barrier whose predecessor set holds <c>c</c> and whose domain reaches devices (arm64
    /// <c>dsb</c> but <c>dsb ld</c>, x86 <c>mfence</c> and <c>sfence</c>, a riscv64 fence whose predecessor holds
    /// <c>w</c> and which has an <c>i</c> or <c>o</c> bit). arm64's <c>dma_wmb</c> (<c>dmb oshst</c>, the barrier
    /// <c>writel</c> has) and x86's (a compiler barrier) are not.
    /// </summary>
    public static bool CompletesCacheMaintenance(Arch arch, BarrierCode code)
    {
        if (!code.IsDefined) return false;
        var e = BarrierEffect.Of(arch, code);
        return e.Completion && ClassSet.Has(e.Pred, AccessClass.C) && e.Reach == BarrierReach.Outer;
    }

    /// <summary>
    /// True when <paramref name="code"/> on <paramref name="arch"/> orders a cpu's earlier stores before its later
    /// stores or MMIO writes (predecessor set holds <c>w</c>, successor set <c>w</c> or <c>o</c>) for a device when
    /// <paramref name="outer"/> (its domain reaches devices), else for another cpu: the kind of barrier a publish needs.
    /// </summary>
    public static bool OrdersStores(Arch arch, BarrierCode code, bool outer)
    {
        if (!code.IsDefined) return false;
        var e = BarrierEffect.Of(arch, code);
        return Reaches(e, outer) && ClassSet.Has(e.Pred, AccessClass.W) && (ClassSet.Has(e.Succ, AccessClass.W) || ClassSet.Has(e.Succ, AccessClass.O));
    }

    static bool Reaches(BarrierEffect e, bool outer) => outer ? e.Reach == BarrierReach.Outer : e.Reach != BarrierReach.None;

    /// <summary>
    /// True when <paramref name="code"/> on <paramref name="arch"/> orders a cpu's earlier reads (memory or MMIO)
    /// before its later loads (predecessor set holds <c>r</c> or <c>i</c>, successor set <c>r</c>) after an acquire from
    /// a device when <paramref name="outer"/> (its domain reaches devices), else from another cpu: the kind of barrier
    /// an acquire needs.
    /// </summary>
    public static bool OrdersReads(Arch arch, BarrierCode code, bool outer)
    {
        if (!code.IsDefined) return false;
        var e = BarrierEffect.Of(arch, code);
        return Reaches(e, outer) && (ClassSet.Has(e.Pred, AccessClass.R) || ClassSet.Has(e.Pred, AccessClass.I)) && ClassSet.Has(e.Succ, AccessClass.R);
    }
}
