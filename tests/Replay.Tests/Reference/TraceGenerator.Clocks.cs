namespace TraceTools.Tests.Reference;

/// <summary>
/// Release snapshots and where a release's own ordering ends (docs/model.md §3, §10.2):
/// <list type="bullet">
/// <item>riscv64's <c>fence rw,w</c> before a <c>store_release</c> orders the cpu's earlier events, not the release
/// store itself, and arm64's <c>stlr</c> orders its earlier stores before itself only: a plain flag store after either
/// orders neither the release store's own bytes nor (arm64) those before it (<see cref="ReleaseThenPlainFlag"/>).</item>
/// <item>A cpu that already heard of a peer's later plain flag acquires an older release of that peer that ordered more
/// (an unlock, a store_release): its HB stays as it was but its OB clock grows, so a release it makes next must not
/// reuse the clocks of its previous one (a shared arena slot, the differential's shared-slots row), or what it passes
/// on to a device loses that order (<see cref="OlderReleaseAcquiredLate"/>).</item>
/// </list>
/// Before these steps an engine whose implied barrier before a release took the release's own time, or whose slot
/// sharing compared HB rows only, passed every test.
/// </summary>
public sealed partial class TraceGenerator
{
    void ClocksStep()
    {
        if (_cpus.Count > 1 && Chance(40)) OlderReleaseAcquiredLate();
        else ReleaseThenPlainFlag();
    }

    /// <summary>
    /// A cpu store_releases a buffer chunk (or stores it and store_releases or xchgs the ram flag), maybe a barrier,
    /// then stores a sync flag plainly; another cpu reads the flag and rings a device, which reads the chunk: whether
    /// the chunk's store is ordered before the flag store decides stale-dma-read.
    /// </summary>
    void ReleaseThenPlainFlag()
    {
        ushort c = Cpu, other = OtherCpu(c), d = Dev;
        var (a, n) = BufChunk();
        if (Chance(70)) _b.StoreRelease(c, a, n, Value());
        else
        {
            _b.Store(c, a, n, Chance(50) ? Value() : null);
            if (Chance(70)) _b.StoreRelease(c, RamFlag, 8, 1);
            else _b.Xchg(c, RamFlag, 8, 1);
        }
        MaybeBarrier(c, 15);
        var (f, fn) = FlagWord();
        _b.Store(c, f, fn, (ulong)_rng.Next(1, 4));
        ReadFlag(other, f, fn);
        MaybeBarrier(other, 20);
        Doorbell(other, d);
        _b.DmaRead(d, a, n);
    }

    /// <summary>
    /// A cpu stores a chunk, releases it in order (unlock, or store_release of the ram flag), then stores a sync flag
    /// plainly; a second cpu reads that flag (its HB now holds the first cpu's later time, its OB clock not the chunk),
    /// stores its own flag, then acquires the older release (lock, or load_acquire of the ram flag: the chunk is now
    /// ordered for it) and stores its flag again; a device reads the flag and the chunk (stale-dma-read unless the
    /// second flag store carried the order the acquire brought).
    /// </summary>
    void OlderReleaseAcquiredLate()
    {
        ushort c = Cpu, other = OtherCpu(c), d = Dev;
        var (a, n) = BufChunk();
        bool viaLock = Chance(50);
        _b.Store(c, a, n, Chance(50) ? Value() : null);
        if (viaLock) _b.UnlockOp(c, "L");
        else _b.StoreRelease(c, RamFlag, 8, 1);
        var (f, fn) = FlagWord();
        _b.Store(c, f, fn, (ulong)_rng.Next(1, 4));
        _b.Load(other, f, fn);
        ulong g = f ^ 8;
        _b.Store(other, g, fn, 1);
        if (viaLock) _b.LockOp(other, "L");
        else _b.LoadAcquire(other, RamFlag, 8);
        MaybeBarrier(other, 15);
        _b.Store(other, g, fn, 2);
        _b.DmaRead(d, g, fn);
        _b.DmaRead(d, a, n);
    }
}
