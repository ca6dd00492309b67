using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// store_release, load_acquire and xchg (docs/model.md §10), literally. For the detectors they are a store,
/// a load and a store. Their ordering is spelled per arch: riscv64's kernel mapping puts real fences around
/// the access (fence rw,w before a release, fence r,rw after an acquire), xchg has the arch's smp_mb on both
/// sides, and arm64's stlr/ldar order only the access itself, for cpus. On ram, a release store (store_release
/// or xchg) read by an acquire (load_acquire or xchg) of another cpu is a reads-from edge.
/// </summary>
public sealed partial class ReferenceModel
{
    static EventKind AsPlainAccess(EventKind k) => k switch
    {
        EventKind.StoreRelease or EventKind.Xchg => EventKind.Store,
        EventKind.LoadAcquire => EventKind.Load,
        _ => k,
    };

    EventKind TrueKind(int i) => _t.Events[i].E.Kind;

    static bool IsReleaseStore(EventKind k) => k is EventKind.StoreRelease or EventKind.Xchg;
    static bool IsAcquireLoad(EventKind k) => k is EventKind.LoadAcquire or EventKind.Xchg;

    /// <summary>
    /// Reads-from edges the plain kinds do not give: xchg reads the sync bytes it swaps (it is a store for the
    /// rules), and on ram an acquire reads from a release store of another cpu.
    /// </summary>
    void AddAcquireReleaseEdges(int i)
    {
        if (!IsAcquireLoad(TrueKind(i))) return;
        foreach (var a in Bytes(i))
        {
            int w = LastWriter(a, i);
            if (w < 0) continue;
            bool syncXchg = TrueKind(i) == EventKind.Xchg && IsSyncByte(a);
            bool ramPair = RegionOf(a) is { Kind: RegionKind.Ram } && IsReleaseStore(TrueKind(w));
            if (syncXchg || ramPair) AddCross(w, i, EdgeKind.ReadsFrom);
        }
    }

    /// <summary>The barrier the kernel's mapping puts just before event <paramref name="i"/>, or null.</summary>
    BarrierSemantics? ImpliedBefore(int i) => (TrueKind(i), _arch) switch
    {
        (EventKind.Xchg, _) => SmpMb,
        (EventKind.StoreRelease, Arch.Riscv64) => RefOrdering.Semantics(_arch, Fence("rw", "w")),
        _ => null,
    };

    /// <summary>The barrier the kernel's mapping puts just after event <paramref name="i"/>, or null.</summary>
    BarrierSemantics? ImpliedAfter(int i) => (TrueKind(i), _arch) switch
    {
        (EventKind.Xchg, _) => SmpMb,
        (EventKind.LoadAcquire, Arch.Riscv64) => RefOrdering.Semantics(_arch, Fence("r", "rw")),
        _ => null,
    };

    BarrierSemantics? SmpMb => RefOrdering.Semantics(_arch, BarrierCode.Linux("smp_mb"));

    static BarrierCode Fence(string pred, string succ) =>
        BarrierCode.TryParse($"fence.{pred}.{succ}", out var c) ? c.Value : throw new ArgumentException($"fence.{pred}.{succ}");

    /// <summary>
    /// Implied barriers lying between <paramref name="a"/> and <paramref name="b"/> in a's program order: the
    /// one after a, the ones before and after every event of a's cpu strictly between them, the one before b.
    /// </summary>
    IEnumerable<BarrierSemantics> ImpliedBarriersBetween(int a, int b)
    {
        for (int j = a; j <= b; j++)
        {
            if (AgentOf(j) != AgentOf(a)) continue;
            if (j > a && ImpliedBefore(j) is { } before) yield return before;
            if (j < b && ImpliedAfter(j) is { } after) yield return after;
        }
    }

    /// <summary>
    /// arm64 stlr and ldar order the access itself, for other cpus only: every earlier load and store before a
    /// store_release; a load_acquire before every later load and store; and a store_release before a later
    /// load_acquire (RCsc).
    /// </summary>
    bool OrderedByTheAccess(int a, int x, bool observerIsDevice)
    {
        if (_arch != Arch.Arm64 || observerIsDevice) return false;
        Cls rw = Cls.R | Cls.W;
        bool memA = (ClassOf(a) & rw) != 0, memX = (ClassOf(x) & rw) != 0;
        return (TrueKind(x) == EventKind.StoreRelease && memA)
            || (TrueKind(a) == EventKind.LoadAcquire && memX)
            || (TrueKind(a) == EventKind.StoreRelease && TrueKind(x) == EventKind.LoadAcquire);
    }

    /// <summary>The class of an acquire for the reader side: an xchg acquires through its read half, a load (r).</summary>
    Cls AcquireClassOf(int y) => TrueKind(y) == EventKind.Xchg ? Cls.R : ClassOf(y);

    /// <summary>Reader side: an arm64 load_acquire orders the cpu's later loads after it, for what a cpu released.</summary>
    bool AcquiresItself(int y, bool releaserIsDevice) =>
        _arch == Arch.Arm64 && !releaserIsDevice && TrueKind(y) == EventKind.LoadAcquire;
}
