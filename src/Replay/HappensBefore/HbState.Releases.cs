using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Ordering;

namespace TraceTools.Replay.HappensBefore;

/// <summary>How an acquire orders its agent's later loads (model.md §3 reader side).</summary>
enum AcquireMode : byte
{
    /// <summary>lock, take_irq, dev_invalidate, and every device acquire: LOADS at once.</summary>
    AtOnce,
    /// <summary>Plain load of a sync word (class r): LOADS at the next adequate read barrier.</summary>
    PlainLoad,
    /// <summary>Raw mmio_read (class i): LOADS at the next adequate read barrier.</summary>
    PlainMmio,
    /// <summary>arm64 load_acquire (ldar, inner): LOADS at once from a cpu's release, like a plain load from a device's.</summary>
    Ordered,
}

sealed partial class HbState
{
    /// <summary>
    /// The releaser's own OB components: for a device its time (devices never reorder); for a cpu, the
    /// latest time that the barriers so far commit for (w or c, release class, domain), or its time when
    /// the arch preserves the pair. <paramref name="unlock"/> orders every earlier event except cache
    /// maintenance, which still needs a completion barrier: one whose predecessors hold c, of any successors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal OwnOrder OwnOrderOf(int agent, AccessClass releaseClass, bool unlock = false)
    {
        uint t = Time[agent];
        if (IsDevice[agent]) return new OwnOrder { StoreInner = t, StoreOuter = t, CacheInner = t, CacheOuter = t };
        int row = agent * CommittedLanes;
        bool storesKept = unlock || Rules.IsPreserved(AccessClass.W, releaseClass);
        var own = new OwnOrder
        {
            StoreInner = storesKept ? t : Committed[row + CommittedLane(AccessClass.W, releaseClass, ObserverDomain.Inner)],
            StoreOuter = storesKept ? t : Committed[row + CommittedLane(AccessClass.W, releaseClass, ObserverDomain.Outer)],
        };
        if (!TracksObCache) return own;
        bool cacheKept = Rules.IsPreserved(AccessClass.C, releaseClass);
        // An unlock needs a completion barrier ordering the cache maintenance, of any successor set.
        int inner = unlock ? CacheBeforeAnythingLane(ObserverDomain.Inner) : CommittedLane(AccessClass.C, releaseClass, ObserverDomain.Inner);
        int outer = unlock ? CacheBeforeAnythingLane(ObserverDomain.Outer) : CommittedLane(AccessClass.C, releaseClass, ObserverDomain.Outer);
        own.CacheInner = cacheKept ? t : Committed[row + inner];
        own.CacheOuter = cacheKept ? t : Committed[row + outer];
        return own;
    }

    /// <summary>
    /// Stores a release of <paramref name="agent"/>, made by its current event, in the arena; the handle has one reference.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int Snapshot(int agent, AccessClass releaseClass, bool unlock = false)
    {
        if (Arena.Sharing)
        {
            int latest = Arena.Latest(agent);
            if (latest != 0 && Unchanged(agent, latest)) return Share(agent, latest, releaseClass, unlock);
        }
        int h = Arena.Rent(header: !_headerless, index: Time[agent] - 1L);
        if (Arena.Sharing) Arena.MakeLatest(agent, h);
        uint t = Time[agent];
        ref var stamp = ref Arena.StampOf(h);
        stamp.Agent = agent;
        stamp.Time = t;
        var hb = Arena.Hb(h);
        // The own component is patched after the copy, in the copy and the live row: a 4-byte store just before
        // a vector load of the same row cannot be forwarded, and stalls the load until it retires.
        ClockKernels.Copy(Simd, hb, Row(Hb, agent));
        hb[agent] = t;
        Hb[agent * Width + agent] = t;
        if (_headerless) return h;
        ref var header = ref Arena.HeaderOf(h);
        header.FromDevice = IsDevice[agent];
        if (!TracksOb) return h;
        ClockKernels.Copy(Simd, Arena.ObStore(h), Row(ObStore, agent));
        if (TracksObCache) ClockKernels.Copy(Simd, Arena.ObCache(h), Row(ObCache, agent));
        var own = OwnOrderOf(agent, releaseClass, unlock);
        header.OwnStoreInner = own.StoreInner;
        header.OwnStoreOuter = own.StoreOuter;
        header.OwnCacheInner = own.CacheInner;
        header.OwnCacheOuter = own.CacheOuter;
        return h;
    }

    /// <summary>
    /// A release of <paramref name="agent"/> bound to the clocks of its latest release, <paramref name="slot"/>, which
    /// they still are; its own time and own OB components are its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    int Share(int agent, int slot, AccessClass releaseClass, bool unlock)
    {
        uint t = Time[agent];
        SharedCount++;
        Hb[agent * Width + agent] = t;
        int h = Arena.Share(agent, t, slot);
        if (TracksOb) Arena.SharedOwn(h) = OwnOrderOf(agent, releaseClass, unlock);
        return h;
    }

    /// <summary>
    /// True when <paramref name="agent"/>'s clocks are those slot <paramref name="slot"/> holds, but for its own HB
    /// component (written lazily in the live row, and per release in the stamp).
    /// </summary>
    bool Unchanged(int agent, int slot)
    {
        if (!ClockKernels.SameExcept(Simd, Row(Hb, agent), Arena.Hb(slot), agent)) return false;
        if (!TracksOb) return true;
        if (!ClockKernels.SameExcept(Simd, Row(ObStore, agent), Arena.ObStore(slot), -1)) return false;
        return !TracksObCache || ClockKernels.SameExcept(Simd, Row(ObCache, agent), Arena.ObCache(slot), -1);
    }

    /// <summary>Acquires the release stored at <paramref name="handle"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AcquireSnapshot(int agent, int handle, AcquireMode mode, long index)
    {
        var stamp = Arena.StampOf(handle);
        // Its own release: po already orders it, and no edge leaves the agent. Returning before the slot is even
        // addressed spares a fifth of all acquires (a cpu re-reading its own sync stores) its cold header line.
        if (stamp.Agent == agent) return;
        if (EdgeObserver is { } observer) observer(new HbEdge(stamp.Time - 1L, stamp.Agent, index, agent, false));
        // The acquirer's HB already holds the release's time, so it holds the release's whole HB row: a component t
        // of the releaser is only ever copied from the releaser's row as of the end of its event t or later (no event
        // releases and then acquires), and rows only grow. The HB join would change nothing (half of all acquires).
        bool hbKnown = JoinShortcuts && Hb[agent * Width + stamp.Agent] >= stamp.Time;
        if (!_headerless)
        {
            AcquireWithHeader(agent, handle, stamp, hbKnown, mode, index);
            return;
        }
        // HB only: the join is the whole acquire, and the header (never written) is not read. This path stays
        // small (no frame for the general one's locals): it runs on every acquire of an hb-only replay.
        if (hbKnown)
        {
            ShortcutCount++;
            AssertCovers(agent, handle);
            return;
        }
        ClockKernels.Join(Simd, Row(Hb, agent), Arena.Hb(Arena.SlotOf(handle)));
        // A shared slot holds the own time of the release that filled it: this one's is later.
        if (ClockArena.IsShared(handle)) RaiseTo(Hb, agent * Width + stamp.Agent, stamp.Time);
    }

    /// <summary><see cref="AcquireSnapshot"/> when a selected detector needs more than HB: the header's facts, then <see cref="Acquire"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void AcquireWithHeader(int agent, int handle, ClockArena.Stamp stamp, bool hbKnown, AcquireMode mode, long index)
    {
        if (ClockArena.IsShared(handle))
        {
            AcquireShared(agent, handle, stamp, hbKnown, mode, index);
            return;
        }
        // A release in a slot of its own: its handle is the slot's number.
        ref var h = ref Arena.HeaderOf(handle);
        if (TracksEdges && !h.FromDevice) LogEdge(stamp.Agent, stamp.Time, agent, Time[agent], index);
        ref long last = ref _lastAcquired[agent];
        bool joined = JoinShortcuts && last == h.Serial;
        last = h.Serial;
        if (hbKnown)
        {
            ShortcutCount++;
            AssertCovers(agent, handle);
        }
        var own = new OwnOrder
        {
            StoreInner = h.OwnStoreInner, StoreOuter = h.OwnStoreOuter,
            CacheInner = h.OwnCacheInner, CacheOuter = h.OwnCacheOuter,
        };
        Acquire(agent, stamp.Agent, h.FromDevice, Arena.Hb(handle), Arena.ObStore(handle), Arena.ObCache(handle), own, mode, index,
            joined, hbKnown);
    }

    /// <summary>
    /// <see cref="AcquireWithHeader"/> of a release sharing a slot: its own time and own OB components are its own,
    /// and it is never "the release acquired last" (the slot's serial names the release that filled it).
    /// </summary>
    /// <remarks>Only a shared release's acquire reads this buffer (a row's width, allocated once).</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    void AcquireShared(int agent, int handle, ClockArena.Stamp stamp, bool hbKnown, AcquireMode mode, long index)
    {
        int slot = Arena.SlotOf(handle);
        ref var h = ref Arena.HeaderOf(slot);
        if (TracksEdges && !h.FromDevice) LogEdge(stamp.Agent, stamp.Time, agent, Time[agent], index);
        _lastAcquired[agent] = 0;
        if (hbKnown)
        {
            ShortcutCount++;
            AssertCovers(agent, handle);
        }
        // The slot's HB row with this release's own time: a copy, so that the acquire of a slot per release stays as it is.
        var row = _sharedRow.AsSpan();
        ClockKernels.Copy(Simd, row, Arena.Hb(slot));
        row[stamp.Agent] = stamp.Time;
        Acquire(agent, stamp.Agent, h.FromDevice, row, Arena.ObStore(slot), Arena.ObCache(slot), Arena.SharedOwn(handle), mode,
            index, joined: false, hbKnown);
    }

    /// <summary>Debug builds: a shortcut taken for release <paramref name="handle"/> is one its HB join would confirm.</summary>
    [Conditional("DEBUG")]
    void AssertCovers(int agent, int handle)
    {
        var mine = Row(Hb, agent);
        var released = Arena.Hb(Arena.SlotOf(handle));
        for (int i = 0; i < Width; i++)
            Debug.Assert(i == agent || mine[i] >= released[i], $"agent {agent}'s HB holds the release's time but not its component {i}");
        Debug.Assert(mine[Arena.StampOf(handle).Agent] >= Arena.StampOf(handle).Time, "the shortcut holds the release's own time");
    }

    /// <summary>
    /// Debug builds: the OB joins a cpu skipped for a release its HB holds would have raised nothing but the releaser's
    /// own components, which <see cref="RaiseOwn"/> still raises.
    /// </summary>
    /// <remarks>
    /// Why (ObCovered): HB component R of any row reaches t only through a chain of edges that starts at a release of R at
    /// time t' ≥ t, and every edge that carries HB carries both OB rows too (joined, or skipped by this same shortcut,
    /// which holds by induction). R's OB rows only grow but for a device's own components, which a doorbell lowers; for
    /// those the first hop raised R's own component to t' (a device's own value is its time), at least every value of
    /// R's own events the release at t carries. Other components only grow along the chain. So the acquirer's rows hold
    /// the release's everywhere but at its own component, which a doorbell may have lowered when it is a device (so a
    /// device acquirer joins in full), and at the releaser's own component raised per domain and release class, which
    /// the header's own values say and <see cref="RaiseOwn"/> applies.
    /// </remarks>
    [Conditional("DEBUG")]
    void AssertObCovers(int agent, int releaser, ReadOnlySpan<uint> obStore, ReadOnlySpan<uint> obCache)
    {
        int row = agent * Width;
        for (int i = 0; i < Width; i++)
        {
            Debug.Assert(ObStore[row + i] >= obStore[i],
                $"agent {agent}'s OB-store row lacks component {i} of {releaser}'s release");
            Debug.Assert(!TracksObCache || ObCache[row + i] >= obCache[i], $"agent {agent}'s OB-cache row lacks component {i} of {releaser}'s release");
        }
    }

    /// <summary>A live edge: <paramref name="from"/>'s current state released into <paramref name="to"/>'s current event (status read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Transfer(int from, int to, AccessClass releaseClass, AcquireMode mode, long index)
    {
        ObserveEdge(from, to, index, false);
        var own = TracksOb ? OwnOrderOf(from, releaseClass) : default;
        var (hb, obStore, obCache) = SinceLastEvent(from);
        int w = Width, row = from * w;
        Acquire(to, from, IsDevice[from], hb.AsSpan(row, w),
            TracksOb ? obStore.AsSpan(row, w) : default, TracksObCache ? obCache.AsSpan(row, w) : default, own, mode, index);
    }

    /// <summary>
    /// Raises the releaser's own OB components in the acquirer's rows with the values for the acquirer's domain (device →
    /// outer); <paramref name="obCache"/> is empty when those rows are not kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RaiseOwn(uint[] obStore, uint[] obCache, int row, int releaser, in OwnOrder own, bool toDevice)
    {
        ref uint os = ref obStore[row + releaser];
        uint s = toDevice ? own.StoreOuter : own.StoreInner;
        if (s > os) os = s;
        if (obCache.Length == 0) return;
        ref uint oc = ref obCache[row + releaser];
        uint c = toDevice ? own.CacheOuter : own.CacheInner;
        if (c > oc) oc = c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Acquire(int agent, int releaser, bool fromDevice, ReadOnlySpan<uint> hb, ReadOnlySpan<uint> obStore,
        ReadOnlySpan<uint> obCache, OwnOrder own, AcquireMode mode, long index, bool joined = false, bool hbKnown = false)
    {
        if (releaser == agent) return; // reads its own release: po already orders it
        int w = Width, row = agent * w;
        bool toDevice = IsDevice[agent];
        var myHb = Hb.AsSpan(row, w);
        bool plain = !toDevice && mode != AcquireMode.AtOnce && (mode != AcquireMode.Ordered || fromDevice);
        AccessClass cls = mode == AcquireMode.PlainMmio ? AccessClass.I : AccessClass.R;
        bool atOnce = !plain || Rules.IsPreserved(cls, AccessClass.R);
        // Acquired again (a poll of the same release): the clocks only grow, so they hold it already, and what
        // the agent has raised past it stays raised (a device's own OB components, which a doorbell lowers,
        // forget it there). Only LOADS or the pending clocks may still lack it.
        if (!joined)
        {
            // hbKnown: the join would raise nothing (and so nothing is raised past LOADS either).
            if (!hbKnown)
            {
                if (!atOnce && TracksLoads) NoteRaisedDevices(agent, myHb, hb, index);
                ClockKernels.Join(Simd, myHb, hb);
            }
            if (TracksOb)
            {
                // hbKnown and a cpu acquirer: its OB rows already hold the release's (see ObCovered), so the joins, and
                // the slot's OB lines they would load, are skipped; only the releaser's own components are raised.
                if (!hbKnown || toDevice)
                {
                    ClockKernels.Join(Simd, ObStore.AsSpan(row, w), obStore);
                    if (TracksObCache) ClockKernels.Join(Simd, ObCache.AsSpan(row, w), obCache);
                }
                else
                {
                    ObShortcutCount++;
                    AssertObCovers(agent, releaser, obStore, obCache);
                }
                // The own component stays: what comes back holds the agent's own events already ordered out to
                // another agent (contract v1.1: order is not lost on the way back).
                RaiseOwn(ObStore, ObCache, row, releaser, own, toDevice);
            }
        }
        if (toDevice || !TracksLoads) return;
        if (atOnce)
        {
            ClockKernels.Join(Simd, Loads.AsSpan(row, w), hb);
            return;
        }
        // Pending until a read barrier whose pred holds the acquire's class and whose domain reaches the releaser.
        int slot = ((int)(cls == AccessClass.I ? 1 : 0) << 1) | (fromDevice ? 1 : 0);
        ClockKernels.Join(Simd, Pending.AsSpan((agent * 4 + slot) * w, w), hb);
        PendingMask[agent] |= (byte)(1 << slot);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NoteRaisedDevices(int cpu, ReadOnlySpan<uint> mine, ReadOnlySpan<uint> incoming, long index)
    {
        var loads = Row(Loads, cpu);
        if (Width == ClockSimdSelector.Lanes)
        {
            // One compare for the whole row, then the devices among the raised lanes, in ascending order like the loop.
            uint raised = ClockKernels.RaisedLanes(Simd, mine, incoming, loads) & _deviceLanes;
            while (raised != 0)
            {
                int d = BitOperations.TrailingZeroCount(raised);
                _acquires[cpu].Add(d, incoming[d], index);
                raised &= raised - 1;
            }
            return;
        }
        foreach (int d in Devices)
        {
            if (incoming[d] > mine[d] && incoming[d] > loads[d]) _acquires[cpu].Add(d, incoming[d], index);
        }
    }

    /// <summary>Raises component <paramref name="at"/> of <paramref name="clocks"/> to <paramref name="time"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void RaiseTo(uint[] clocks, int at, uint time)
    {
        ref uint c = ref clocks[at];
        if (time > c) c = time;
    }

    /// <summary>A barrier of <paramref name="cpu"/>: commits earlier events and folds pending reader clocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Barrier(int cpu, uint code)
    {
        if (TracksOb) Commit(cpu, code);
        byte mask = PendingMask[cpu];
        if (mask == 0) return;
        var e = Rules.EffectOf(code);
        if (e.Reach == BarrierReach.None || !ClassSet.Has(e.Succ, AccessClass.R)) return;
        bool folded = false;
        for (int slot = 0; slot < 4; slot++)
        {
            if ((mask & (1 << slot)) == 0) continue;
            var cls = (slot >> 1) == 1 ? AccessClass.I : AccessClass.R;
            bool outer = (slot & 1) == 1;
            if (!ClassSet.Has(e.Pred, cls) || (outer && e.Reach != BarrierReach.Outer)) continue;
            var pending = Pending.AsSpan((cpu * 4 + slot) * Width, Width);
            ClockKernels.Join(Simd, Row(Loads, cpu), pending);
            pending.Clear();
            mask &= (byte)~(1 << slot);
            folded = true;
        }
        PendingMask[cpu] = mask;
        if (folded) _acquires[cpu].Prune(Row(Loads, cpu));
    }
}
