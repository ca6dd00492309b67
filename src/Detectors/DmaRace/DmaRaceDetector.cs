using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// <c>dma-race</c>: a cpu access (load, store) and a device access (dma_read, dma_write; never fetch) to
/// the same data byte, at least one a write, neither hb-before the other. Reported at the later one;
/// <c>other</c> is the most recent earlier access, over all bytes of the trigger, that races with it
/// (model.md §7.7), paired with EVERY earlier conflicting access (§7.16).
/// </summary>
/// <remarks>
/// FastTrack-style: per byte and per column (side × direction) the shadow keeps the latest access, which is
/// exact while each access of a side is hb-after the previous one of that side (an access dominated by a
/// later one of its side never names <c>other</c>: if the later one is hb-before the trigger so is it, and
/// if not, the later one is more recent). When an access is not ordered after the previous one, that
/// column of the page escalates to per-agent latest accesses (<see cref="SharedAccesses"/>, kept here in
/// <see cref="RacePages"/>), which are exact.
/// </remarks>
public sealed class DmaRaceDetector : IDetector
{
    readonly RacePages _pages = new();

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.DmaRace;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Load | DetectorHooks.Store | DetectorHooks.DmaRead | DetectorHooks.DmaWrite;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.WriteHistory | DetectorNeeds.ReadHistory;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        bool cpu = access.Kind is EventKind.Load or EventKind.Store;
        bool write = access.Kind is EventKind.Store or EventKind.DmaWrite;
        var own = cpu ? (write ? AccessColumn.CpuWrite : AccessColumn.CpuRead) : (write ? AccessColumn.DevWrite : AccessColumn.DevRead);
        var otherWrites = cpu ? AccessColumn.DevWrite : AccessColumn.CpuWrite;
        var otherReads = cpu ? AccessColumn.DevRead : AccessColumn.CpuRead;
        long other = -1;
        int agent = access.Agent;
        ulong cursor = access.Address;
        while (view.NextRun(access, ref cursor, out var run))
        {
            var page = _pages.Get(run);
            int off = run.Offset, len = run.Length;
            if (page.Shared is null)
            {
                // Common case: no column of this page escalated; one pass over the other side's columns.
                // A column held by one agent whose latest access there is hb-before us cannot race: skip its bytes.
                bool checkWrites = !AllHbBefore(view, page, otherWrites, agent);
                bool checkReads = write && !AllHbBefore(view, page, otherReads, agent);
                for (int k = off, stop = off + len, n; k < stop && (checkWrites || checkReads); k += n)
                {
                    ulong wAt = 0, rAt = 0;
                    if (!checkReads) n = run.Run(otherWrites, k, stop, out wAt);
                    else if (!checkWrites) n = run.Run(otherReads, k, stop, out rAt);
                    else n = run.Run(otherWrites, otherReads, k, stop, out wAt, out rAt);
                    // An epoch names its event (index = time - 1), so no index column is read.
                    var w = Epoch.From(wAt);
                    if (checkWrites && w.Index > other && !view.HbBefore(w, agent)) other = w.Index;
                    var r = Epoch.From(rAt);
                    if (checkReads && r.Index > other && !view.HbBefore(r, agent)) other = r.Index;
                }
                // One agent's accesses only in its own column: po orders them, nothing to track.
                ref int owner = ref page.ColumnOwner[(int)own];
                if (owner == agent || owner == RacePage.NoOwner)
                {
                    owner = agent;
                    page.ColumnLatest[(int)own] = Epoch.Pack(agent, access.Time);
                    continue;
                }
            }
            else
            {
                other = Math.Max(other, LatestRacing(view, run, page, otherWrites, agent));
                if (write) other = Math.Max(other, LatestRacing(view, run, page, otherReads, agent));
            }
            Track(view, run, page, own, access);
        }
        if (other >= 0) view.Report(Kind, access.Index, other);
    }

    /// <summary>
    /// True when every access recorded in <paramref name="column"/> of the page is hb-before
    /// <paramref name="agent"/>'s current event: none, or one owner whose latest access there is (its earlier
    /// ones have smaller times, and hb-before is monotone in time). Exact, so skipping the scan changes nothing.
    /// </summary>
    static bool AllHbBefore(DetectorView view, RacePage page, AccessColumn column, int agent)
    {
        int owner = page.ColumnOwner[(int)column];
        if (owner == RacePage.NoOwner) return true;
        return owner >= 0 && view.HbBefore(Epoch.From(page.ColumnLatest[(int)column]), agent);
    }

    /// <summary>The most recent access of <paramref name="column"/> to the run's bytes that is not hb-before <paramref name="agent"/>'s current event, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static long LatestRacing(DetectorView view, in AccessRun run, RacePage page, AccessColumn column, int agent)
    {
        long latest = -1;
        int off = run.Offset, stop = off + run.Length;
        var shared = page.Shared;
        if (shared is not null && shared.IsEscalated(column))
        {
            for (int b = 0; b < view.AgentCount; b++)
            {
                var times = shared.TimesOf(column, b);
                if (times is null) continue;
                var indices = shared.IndicesOf(column, b)!;
                uint known = view.HbTimeOf(agent, b);
                for (int k = off; k < stop; k++)
                    if (times[k] > known && indices[k] > latest) latest = indices[k];
            }
            return latest;
        }
        for (int k = off, n; k < stop; k += n)
        {
            n = run.Run(column, k, stop, out ulong at);
            var e = Epoch.From(at);
            if (e.Index > latest && !view.HbBefore(e, agent)) latest = e.Index;
        }
        return latest;
    }

    /// <summary>
    /// Before the shadow records this access in its latest-access column: escalate the page's column when a
    /// previous access of the same side is not hb-before this one (it must stay visible), and keep the
    /// per-agent sets current once escalated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Track(DetectorView view, in AccessRun run, RacePage page, AccessColumn column, in DataAccess access)
    {
        var shared = page.Shared;
        int off = run.Offset, len = run.Length;
        ref int owner = ref page.ColumnOwner[(int)column];
        if (owner == access.Agent || owner == RacePage.NoOwner)
        {
            // One agent's accesses only (the common case): po orders them, no scan.
            owner = access.Agent;
            page.ColumnLatest[(int)column] = Epoch.Pack(access.Agent, access.Time);
            if (shared is not null && shared.IsEscalated(column)) shared.Record(column, access.Agent, off, len, access.Time, access.Index);
            return;
        }
        owner = RacePage.SeveralOwners;
        if (shared is null || !shared.IsEscalated(column))
        {
            bool dominated = true;
            for (int k = off, stop = off + len, n; k < stop && dominated; k += n)
            {
                n = run.Run(column, k, stop, out ulong at);
                dominated = at == 0 || view.HbBefore(Epoch.From(at), access.Agent);
            }
            if (dominated) return;
            shared = Escalate(view, run, page, column);
            // The whole access's bytes on this page: runs already walked were not recorded in the sets
            // (sync bytes among them are harmless: races are only looked up on data bytes).
            ulong pageStart = run.Page * AccessRun.PageSize;
            int first = (int)(Math.Max(access.Address, pageStart) - pageStart);
            int last = (int)(Math.Min(access.Address + (ulong)access.Size, pageStart + AccessRun.PageSize) - pageStart);
            shared.Record(column, access.Agent, first, last - first, access.Time, access.Index);
            return;
        }
        shared.Record(column, access.Agent, off, len, access.Time, access.Index);
    }

    /// <summary>Seeds the per-agent sets of <paramref name="column"/> from the page's latest-access column.</summary>
    static SharedAccesses Escalate(DetectorView view, in AccessRun run, RacePage page, AccessColumn column)
    {
        var shared = page.Shared ??= new SharedAccesses(view.AgentCount);
        shared.Escalate(column);
        for (int k = 0, n; k < AccessRun.PageSize; k += n)
        {
            n = run.Run(column, k, AccessRun.PageSize, out ulong at);
            if (at == 0) continue;
            var e = Epoch.From(at);
            shared.Record(column, e.Agent, k, n, e.Time, e.Index);
        }
        return shared;
    }
}
