using TraceTools.TraceFormat;

namespace TraceTools.Replay.Ordering;

/// <summary>
/// How <c>store_release</c>, <c>load_acquire</c> and <c>xchg</c> order on one arch (docs/model.md §10): the
/// barriers the kernel's mapping puts around the access, and arm64's instruction-scoped acquire and release,
/// which order only the access itself and so are no barrier.
/// </summary>
/// <param name="Before">The barrier implied just before the access (riscv64 <c>fence rw,w</c> of a release; the full barrier of <c>xchg</c>); the compiler barrier for none.</param>
/// <param name="After">The barrier implied just after it (riscv64 <c>fence r,rw</c> of an acquire; the full barrier of <c>xchg</c>); the compiler barrier for none.</param>
/// <param name="ReleasesItself">arm64 <c>stlr</c>: every earlier load and store of the cpu is ordered before this store, for other cpus (inner); later accesses are not ordered after anything by it.</param>
/// <param name="AcquiresItself">arm64 <c>ldar</c>: this load is ordered before every later load and store of the cpu, so what it acquires from another cpu reaches them at once.</param>
readonly record struct AtomicOrdering(BarrierCode Before, BarrierCode After, bool ReleasesItself, bool AcquiresItself)
{
    static readonly BarrierCode None = BarrierCode.Compiler;
    // Looked up once: Of runs for every store_release, load_acquire and xchg event, and the lookups compare
    // names (and the fence's builds a string).
    static readonly BarrierCode Full = BarrierCode.Linux("smp_mb");
    static readonly BarrierCode ReleaseFence = RiscvFence("rw", "w");
    static readonly BarrierCode AcquireFence = RiscvFence("r", "rw");

    /// <summary>
    /// The ordering of <paramref name="kind"/> (<see cref="EventKind.StoreRelease"/>, <see cref="EventKind.LoadAcquire"/>
    /// or <see cref="EventKind.Xchg"/>) on <paramref name="arch"/>. x86_64 and sc need nothing for release and
    /// acquire: TSO already keeps r→w, w→w, r→r and r→w. xchg is fully ordered everywhere: the arch's
    /// <c>smp_mb</c> on both sides (arm64 <c>dmb ish</c>, x86 a locked instruction = <c>mfence</c>, riscv64 <c>fence rw,rw</c>).
    /// </summary>
    public static AtomicOrdering Of(Arch arch, EventKind kind) => (kind, arch) switch
    {
        (EventKind.Xchg, _) => new(Full, Full, false, false),
        (EventKind.StoreRelease, Arch.Arm64) => new(None, None, ReleasesItself: true, AcquiresItself: false),
        (EventKind.LoadAcquire, Arch.Arm64) => new(None, None, ReleasesItself: false, AcquiresItself: true),
        (EventKind.StoreRelease, Arch.Riscv64) => new(ReleaseFence, None, false, false),
        (EventKind.LoadAcquire, Arch.Riscv64) => new(None, AcquireFence, false, false),
        _ => new(None, None, false, false),
    };

    static BarrierCode RiscvFence(string pred, string succ) =>
        BarrierCode.TryParse($"fence.{pred}.{succ}", out var code) ? code.Value : ReplayThrow.Invalid<BarrierCode>($"no barrier code for fence.{pred}.{succ}");
}
