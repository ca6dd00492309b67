using System.Runtime.CompilerServices;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Ordering;

namespace TraceTools.Replay.HappensBefore;

/// <summary>
/// Edges that land on an agent's NEXT event: a doorbell, and both directions of dev_invalidate. hb runs
/// between events (model.md §7.17): a device that records nothing between a doorbell and a status read
/// carries nothing from one to the other, and dev_invalidate hands the cpu only what the device's events
/// had, and only to the cpu's later events (§7.15).
/// </summary>
/// <remarks>
/// Two representations of "knowledge sent, not yet recorded", one per receiver kind:
/// <list type="bullet">
/// <item>a device (doorbells, every request): the edge is joined straight into its clocks, which are
/// only read at its own events, after a copy of the clocks as of its last event is kept for the rare
/// reader in between (a status read, a dev_invalidate). Nothing is left to do at its next event.</item>
/// <item>a cpu (dev_invalidate only): the cpu's own current event reads its clocks, so the knowledge waits
/// in the inbox rows and is joined, at once (LOADS too), at the cpu's next event.</item>
/// </list>
/// The same rows (<see cref="InboxHb"/>…) serve both: the device's last-event copy, or the cpu's inbox;
/// <see cref="InboxFull"/> says they are in use.
/// </remarks>
sealed partial class HbState
{
    /// <summary>Sends <paramref name="from"/>'s current knowledge to <paramref name="to"/>'s next event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void TransferToNext(int from, int to, AccessClass releaseClass, long index)
    {
        if (from == to) return;
        if (TracksEdges && !IsDevice[from]) LogEdge(from, Time[from], to, Time[to] + 1, index);
        ObserveEdge(from, to, index, true);
        // The sender's rows as of its last event. Its live HB row's own component is written lazily: it is
        // patched in the receiving row after the join, not in the sender's row before it (a 4-byte store just
        // before a vector load of the same row cannot be forwarded, and stalls the load).
        bool live = !(IsDevice[from] && InboxFull[from]);
        var (hbs, obStores, obCaches) = live ? (Hb, ObStore, ObCache) : (InboxHb, InboxObStore, InboxObCache);
        uint fromTime = Time[from];
        int w = Width, row = to * w;
        var hb = hbs.AsSpan(from * w, w);
        if (IsDevice[to])
        {
            if (!InboxFull[to])
            {
                // The first edge since the device's last event: keep its clocks as of that event.
                ClockKernels.Copy(Simd, InboxHb.AsSpan(row, w), Row(Hb, to));
                InboxHb[row + to] = Time[to];
                if (TracksOb)
                {
                    ClockKernels.Copy(Simd, InboxObStore.AsSpan(row, w), Row(ObStore, to));
                    if (TracksObCache) ClockKernels.Copy(Simd, InboxObCache.AsSpan(row, w), Row(ObCache, to));
                }
                InboxFull[to] = true;
            }
            ClockKernels.Join(Simd, Row(Hb, to), hb);
            // The device's own component, written lazily, is patched after the join, not before: a 4-byte store just
            // before the join's vector load of the same row stalled it (no store forwarding), on every first doorbell.
            // No sender knows a later event of the device, so the join leaves that component alone.
            Hb[row + to] = Time[to];
            if (live)
            {
                Hb[row + from] = fromTime; // no clock knows a later event of the sender
                Hb[from * w + from] = fromTime; // as SinceLastEvent leaves it
            }
            if (!TracksOb) return;
            ClockKernels.Join(Simd, Row(ObStore, to), obStores.AsSpan(from * w, w));
            if (TracksObCache) ClockKernels.Join(Simd, Row(ObCache, to), obCaches.AsSpan(from * w, w));
            RaiseOwn(ObStore, ObCache, row, from, OwnOrderOf(from, releaseClass), toDevice: true);
            ObStore[row + to] = 0;
            if (TracksObCache) ObCache[row + to] = 0;
            _lastAcquired[to] = 0; // its rows may now lack what its last acquire gave them: no skipping it
            return;
        }
        if (!InboxFull[to])
        {
            // An empty inbox is overwritten, not joined into: no clearing after a drain.
            ClockKernels.Copy(Simd, InboxHb.AsSpan(row, w), hb);
            if (live) InboxHb[row + from] = fromTime;
            if (TracksOb)
            {
                ClockKernels.Copy(Simd, InboxObStore.AsSpan(row, w), obStores.AsSpan(from * w, w));
                if (TracksObCache) ClockKernels.Copy(Simd, InboxObCache.AsSpan(row, w), obCaches.AsSpan(from * w, w));
            }
            InboxFull[to] = true;
        }
        else
        {
            ClockKernels.Join(Simd, InboxHb.AsSpan(row, w), hb);
            if (live) InboxHb[row + from] = fromTime;
            if (TracksOb)
            {
                ClockKernels.Join(Simd, InboxObStore.AsSpan(row, w), obStores.AsSpan(from * w, w));
                if (TracksObCache) ClockKernels.Join(Simd, InboxObCache.AsSpan(row, w), obCaches.AsSpan(from * w, w));
            }
        }
        if (TracksOb) RaiseOwn(InboxObStore, InboxObCache, row, from, OwnOrderOf(from, releaseClass), toDevice: false);
        if (live) Hb[from * w + from] = fromTime; // as SinceLastEvent leaves it
    }

    /// <summary>
    /// <paramref name="agent"/>'s clocks as of its last event, own HB component included: the live rows,
    /// or a device's kept copy when edges for its next event were already joined into them.
    /// </summary>
    /// (The three clock arrays; the agent's row in each.)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    (uint[] Hb, uint[] ObStore, uint[] ObCache) SinceLastEvent(int agent)
    {
        if (IsDevice[agent] && InboxFull[agent]) return (InboxHb, InboxObStore, InboxObCache);
        Hb[agent * Width + agent] = Time[agent];
        return (Hb, ObStore, ObCache);
    }

    /// <summary>At <paramref name="agent"/>'s event: what was sent to it is now its own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void DrainInbox(int agent)
    {
        InboxFull[agent] = false;
        if (IsDevice[agent]) return; // already joined; the kept copy is dropped
        int w = Width, row = agent * w;
        var hb = InboxHb.AsSpan(row, w);
        ClockKernels.Join(Simd, Hb.AsSpan(row, w), hb);
        if (TracksLoads) ClockKernels.Join(Simd, Loads.AsSpan(row, w), hb);
        if (!TracksOb) return;
        ClockKernels.Join(Simd, ObStore.AsSpan(row, w), InboxObStore.AsSpan(row, w));
        if (TracksObCache) ClockKernels.Join(Simd, ObCache.AsSpan(row, w), InboxObCache.AsSpan(row, w));
    }
}
