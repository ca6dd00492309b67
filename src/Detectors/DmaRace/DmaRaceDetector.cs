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
/// FastTrack-style: per byte and per column (side × direction) the page keeps the latest access, which is
/// exact while each access of a side is hb-after the previous one of that side (an access dominated by a
/// later one of its side never names <c>other</c>: if the later one is hb-before the trigger so is it, and
/// if not, the later one is more recent). When an access is not ordered after the previous one, that
/// column of the page escalates to per-agent latest accesses (<see cref="SharedAccesses"/>), which are exact.
/// </remarks>
public sealed class DmaRaceDetector : IDetector
{
    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.DmaRace;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Load | DetectorHooks.Store | DetectorHooks.DmaRead | DetectorHooks.DmaWrite;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(ReplayState state, in DataAccess access)
    {
        var region = state.RegionOf(access.Region);
        bool cpu = access.Kind is EventKind.Load or EventKind.Store;
        bool write = access.Kind is EventKind.Store or EventKind.DmaWrite;
        var own = cpu ? (write ? AccessColumn.CpuWrite : AccessColumn.CpuRead) : (write ? AccessColumn.DevWrite : AccessColumn.DevRead);
        var otherWrites = cpu ? AccessColumn.DevWrite : AccessColumn.CpuWrite;
        var otherReads = cpu ? AccessColumn.DevRead : AccessColumn.CpuRead;
        long other = -1;
        int agent = access.Agent;
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (state.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            if (page.Shared is null)
            {
                // Common case: no column of this page escalated; one pass over the other side's columns.
                ulong[] writes = cpu ? page.DevWriteAt : page.CpuWriteAt;
                ulong[] reads = cpu ? page.DevReadAt : page.CpuReadAt;
                // A column held by one agent whose latest access there is hb-before us cannot race: skip its bytes.
                bool checkWrites = !AllHbBefore(state, page, otherWrites, agent);
                bool checkReads = write && !AllHbBefore(state, page, otherReads, agent);
                for (int k = off, stop = off + len; k < stop && (checkWrites || checkReads);
                     k += checkWrites && checkReads ? ShadowPage.Run(writes, reads, k, stop) : ShadowPage.Run(checkWrites ? writes : reads, k, stop))
                {
                    // An epoch names its event (index = time - 1), so no index column is read.
                    var w = Epoch.From(writes[k]);
                    if (checkWrites && w.Index > other && !state.HbBefore(w, agent)) other = w.Index;
                    var r = Epoch.From(reads[k]);
                    if (checkReads && r.Index > other && !state.HbBefore(r, agent)) other = r.Index;
                }
                // One agent's accesses only in its own column: po orders them, nothing to track.
                ref int owner = ref page.ColumnOwner[(int)own];
                if (owner == agent || owner == ShadowPage.NoOwner)
                {
                    owner = agent;
                    page.ColumnLatest[(int)own] = Epoch.Pack(agent, access.Time);
                    continue;
                }
            }
            else
            {
                other = Math.Max(other, LatestRacing(state, page, otherWrites, agent, off, len));
                if (write) other = Math.Max(other, LatestRacing(state, page, otherReads, agent, off, len));
            }
            Track(state, page, own, access, cursor - (ulong)len, off, len);
        }
        if (other >= 0) state.Report(new Finding(Kind, access.Index, [new("other", other)]));
    }

    /// <summary>
    /// True when every access recorded in <paramref name="column"/> of the page is hb-before
    /// <paramref name="agent"/>'s current event: none, or one owner whose latest access there is (its earlier
    /// ones have smaller times, and hb-before is monotone in time). Exact, so skipping the scan changes nothing.
    /// </summary>
    static bool AllHbBefore(ReplayState state, ShadowPage page, AccessColumn column, int agent)
    {
        int owner = page.ColumnOwner[(int)column];
        if (owner == ShadowPage.NoOwner) return true;
        return owner >= 0 && state.HbBefore(Epoch.From(page.ColumnLatest[(int)column]), agent);
    }

    /// <summary>The most recent access of <paramref name="column"/> to bytes [off, off+len) that is not hb-before <paramref name="agent"/>'s current event, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static long LatestRacing(ReplayState state, ShadowPage page, AccessColumn column, int agent, int off, int len)
    {
        long latest = -1;
        int stop = off + len;
        var shared = page.Shared;
        if (shared is not null && shared.IsEscalated(column))
        {
            for (int b = 0; b < state.AgentCount; b++)
            {
                var times = shared.TimesOf(column, b);
                if (times is null) continue;
                var indices = shared.IndicesOf(column, b)!;
                uint known = state.Hb[agent * state.Width + b];
                for (int k = off; k < stop; k++)
                    if (times[k] > known && indices[k] > latest) latest = indices[k];
            }
            return latest;
        }
        var at = page.Column(column);
        for (int k = off; k < stop; k += ShadowPage.Run(at, k, stop))
        {
            var e = Epoch.From(at[k]);
            if (e.Index > latest && !state.HbBefore(e, agent)) latest = e.Index;
        }
        return latest;
    }

    /// <summary>
    /// Before the shadow records this access in its latest-access column: escalate the page's column when a
    /// previous access of the same side is not hb-before this one (it must stay visible), and keep the
    /// per-agent sets current once escalated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Track(ReplayState state, ShadowPage page, AccessColumn column, in DataAccess access, ulong runStart, int off, int len)
    {
        var shared = page.Shared;
        ref int owner = ref page.ColumnOwner[(int)column];
        if (owner == access.Agent || owner == ShadowPage.NoOwner)
        {
            // One agent's accesses only (the common case): po orders them, no scan.
            owner = access.Agent;
            page.ColumnLatest[(int)column] = Epoch.Pack(access.Agent, access.Time);
            if (shared is not null && shared.IsEscalated(column)) shared.Record(column, access.Agent, off, len, access.Time, access.Index);
            return;
        }
        owner = ShadowPage.SeveralOwners;
        if (shared is null || !shared.IsEscalated(column))
        {
            var at = page.Column(column);
            bool dominated = true;
            for (int k = off, stop = off + len; k < stop && dominated; k += ShadowPage.Run(at, k, stop))
                dominated = at[k] == 0 || state.HbBefore(Epoch.From(at[k]), access.Agent);
            if (dominated) return;
            shared = Escalate(state, page, column);
            // The whole access's bytes on this page: runs already walked were not recorded in the sets
            // (sync bytes among them are harmless: races are only looked up on data bytes).
            ulong pageStart = runStart & ~(ulong)ShadowPage.Mask;
            int first = (int)(Math.Max(access.Address, pageStart) - pageStart);
            int last = (int)(Math.Min(access.Address + (ulong)access.Size, pageStart + ShadowPage.Size) - pageStart);
            shared.Record(column, access.Agent, first, last - first, access.Time, access.Index);
            return;
        }
        shared.Record(column, access.Agent, off, len, access.Time, access.Index);
    }

    /// <summary>Seeds the per-agent sets of <paramref name="column"/> from the page's latest-access column.</summary>
    static SharedAccesses Escalate(ReplayState state, ShadowPage page, AccessColumn column)
    {
        var shared = page.Shared ??= new SharedAccesses(state.AgentCount);
        shared.Escalate(column);
        var at = page.Column(column);
        for (int k = 0; k < ShadowPage.Size; k += ShadowPage.Run(at, k, ShadowPage.Size))
        {
            if (at[k] == 0) continue;
            var e = Epoch.From(at[k]);
            int n = ShadowPage.Run(at, k, ShadowPage.Size);
            shared.Record(column, e.Agent, k, n, e.Time, e.Index);
        }
        return shared;
    }
}
