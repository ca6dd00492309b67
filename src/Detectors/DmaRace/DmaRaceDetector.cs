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
/// FastTrack-style, on its own state (<see cref="RacePages"/>; none of the engine's shadow columns): per page
/// and per column (side × direction) the latest access of each byte in word cells (<see cref="RaceWords"/>),
/// which is exact while each access of a side is hb-after the previous one of that side (an access dominated
/// by a later one of its side never names <c>other</c>: if the later one is hb-before the trigger so is it,
/// and if not, the later one is more recent). When an access is not ordered after the previous one, that
/// column of the page escalates to per-agent latest accesses (<see cref="SharedAccesses"/>), which are exact.
/// </remarks>
public sealed class DmaRaceDetector : IDetector
{
    readonly RacePages _pages = new();

    /// <summary>The pages' state, for the memory tests.</summary>
    internal RacePages Pages => _pages;

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.DmaRace;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Load | DetectorHooks.Store | DetectorHooks.DmaRead | DetectorHooks.DmaWrite;

    /// <inheritdoc/>
    /// <remarks>None: dma-race keeps its own per-word latest accesses, so it asks the shadow for no column.</remarks>
    public DetectorNeeds Needs => DetectorNeeds.None;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnAccess(DetectorView view, in DataAccess access)
    {
        var region = view.Region(access.Region);
        ulong address = access.Address;
        int off = (int)(address % AccessRun.PageSize);
        // Most accesses are ram words that race with nothing: a straight line, its state in registers.
        if (region.Kind == RegionKind.Ram && InOneWord(off, access.Size) && OnQuietWord(view, access, address / AccessRun.PageSize, off)) return;
        OnAccessRuns(view, access, region, off);
    }

    /// <summary>True when an access of <paramref name="size"/> bytes (at least one) at page offset <paramref name="off"/> stays inside one word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool InOneWord(int off, int size) => (uint)(size - 1) < (uint)(8 - (off & 7));

    /// <summary>
    /// An access inside one word of page <paramref name="number"/> that races with nothing and escalates
    /// nothing (nearly all of them): the other side's columns are checked by their summaries, else by the one
    /// word's cell, and the access is recorded in its own column, which it dominates. False, with nothing
    /// changed, otherwise (a race to report, a column to escalate, or one escalated already):
    /// <see cref="OnAccessRuns"/> then takes the access, and decides exactly as it would have.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool OnQuietWord(DetectorView view, in DataAccess access, ulong number, int off)
    {
        var page = _pages.Get(number);
        if (page.Shared is not null) return false;
        bool write = access.Kind is EventKind.Store or EventKind.DmaWrite;
        int side = access.Kind is EventKind.Load or EventKind.Store ? 0 : 1;
        int agent = access.Agent, end = off + access.Size;
        if (!AllHbBefore(view, page, (AccessColumn)(side ^ 1), agent) && page.Words(side ^ 1).WordRacing(off, end, new ViewTimes(view), agent, -1) >= 0) return false;
        if (write && !AllHbBefore(view, page, (AccessColumn)((side ^ 1) + 2), agent) && page.Words((side ^ 1) + 2).WordRacing(off, end, new ViewTimes(view), agent, -1) >= 0) return false;
        int own = side + (write ? 0 : 2);
        ref int owner = ref page.ColumnOwner[own];
        ref var words = ref page.Open(own);
        uint time = access.Time;
        if (owner == agent || owner == RacePage.NoOwner)
        {
            // One agent's accesses only: po orders them, nothing to look at.
            owner = agent;
            page.ColumnLatest[own] = Epoch.Pack(agent, time);
        }
        else
        {
            // Several agents': the access must dominate the word's latest accesses, or the column escalates
            // (TrackShared's decision).
            if (words.WordRacing(off, end, new ViewTimes(view), agent, -1) >= 0) return false;
            owner = RacePage.SeveralOwners;
        }
        words.RecordInWord(off, end, agent, time);
        return true;
    }

    /// <summary>The general path: any region, any size, races, escalation; reports.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void OnAccessRuns(DetectorView view, in DataAccess access, RegionInfo region, int off)
    {
        ulong address = access.Address, last = address + (ulong)access.Size - 1;
        long other;
        // Most accesses are ram inside one page, or a table entry's payload or present word: one run or none,
        // no run walk (whose by-ref cursor keeps the loop's state in memory).
        if (access.Size > 0 && (address ^ last) < AccessRun.PageSize && region.Kind is RegionKind.Ram or RegionKind.Table)
        {
            var bytes = region.Kind == RegionKind.Ram ? EntryBytes.Payload : DataRuns.InEntry(region, address, access.Size);
            if (bytes == EntryBytes.PresentWord) return;
            if (bytes == EntryBytes.Payload)
            {
                if (InOneWord(off, access.Size) && region.Kind == RegionKind.Table && OnQuietWord(view, access, address / AccessRun.PageSize, off)) return;
                other = OnRun(view, access, address / AccessRun.PageSize, off, off + access.Size, -1);
            }
            else other = OnRuns(view, access, region);
        }
        else other = OnRuns(view, access, region);
        if (other >= 0) view.Report(Kind, access.Index, other);
    }

    /// <summary>The access's data runs (tables, page-crossing accesses) one by one; returns <c>other</c> over all of them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    long OnRuns(DetectorView view, in DataAccess access, RegionInfo region)
    {
        long other = -1;
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (DataRuns.Next(region, ref cursor, end, out ulong number, out int off, out int stop))
            other = OnRun(view, access, number, off, stop, other);
        return other;
    }

    /// <summary>
    /// One run of the access's data bytes, page offsets [<paramref name="off"/>, <paramref name="stop"/>) of
    /// page <paramref name="number"/>: the check against the other side's columns, then the record in its own.
    /// Returns <c>other</c> so far.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    long OnRun(DetectorView view, in DataAccess access, ulong number, int off, int stop, long other)
    {
        bool write = access.Kind is EventKind.Store or EventKind.DmaWrite;
        // Columns are side (cpu 0, device 1) + 2 for reads: CpuWrite, DevWrite, CpuRead, DevRead.
        int side = access.Kind is EventKind.Load or EventKind.Store ? 0 : 1;
        var own = (AccessColumn)(side + (write ? 0 : 2));
        var otherWrites = (AccessColumn)(side ^ 1);
        var otherReads = (AccessColumn)((side ^ 1) + 2);
        int agent = access.Agent;
        uint time = access.Time;
        var page = _pages.Get(number);
        // A column held by one agent whose latest access there is hb-before us cannot race: skip its words.
        if (!AllHbBefore(view, page, otherWrites, agent)) other = LatestRacing(view, page, otherWrites, off, stop, agent, other);
        if (write && !AllHbBefore(view, page, otherReads, agent)) other = LatestRacing(view, page, otherReads, off, stop, agent, other);
        ref int owner = ref page.ColumnOwner[(int)own];
        if (owner == agent || owner == RacePage.NoOwner)
        {
            // One agent's accesses only (the common case): po orders them, nothing to look at (never escalated).
            owner = agent;
            page.ColumnLatest[(int)own] = Epoch.Pack(agent, time);
            page.Open((int)own).Record(off, stop, agent, time);
        }
        else TrackShared(view, page, own, off, stop, agent, time);
        return other;
    }

    /// <summary>
    /// True when every access recorded in <paramref name="column"/> of the page is hb-before
    /// <paramref name="agent"/>'s current event: none, or one owner whose latest access there is (its earlier
    /// ones have smaller times, and hb-before is monotone in time). Exact, so skipping the words changes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool AllHbBefore(DetectorView view, RacePage page, AccessColumn column, int agent)
    {
        int owner = page.ColumnOwner[(int)column];
        if (owner == RacePage.NoOwner) return true;
        return owner >= 0 && view.HbBefore(Epoch.From(page.ColumnLatest[(int)column]), agent);
    }

    /// <summary>The most recent access of <paramref name="column"/> to page offsets [off, stop) that is not hb-before <paramref name="agent"/>'s current event, or <paramref name="other"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static long LatestRacing(DetectorView view, RacePage page, AccessColumn column, int off, int stop, int agent, long other)
    {
        var shared = page.Shared;
        if (shared is not null && shared.IsEscalated(column)) return shared.LatestRacing(column, off, stop, new ViewTimes(view), agent, other);
        return page.Words((int)column).LatestRacing(off, stop, new ViewTimes(view), agent, other);
    }

    /// <summary>
    /// Records this access in its own column of the page when several agents accessed it: the column escalates
    /// when a previous access of the same column is not hb-before this one (it must stay visible), and once
    /// escalated the per-agent sets record it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static void TrackShared(DetectorView view, RacePage page, AccessColumn column, int off, int stop, int agent, uint time)
    {
        page.ColumnOwner[(int)column] = RacePage.SeveralOwners;
        // An escalated column's words are gone (the sets hold it); any other column with an owner has words.
        if ((page.Shared is null || !page.Shared.IsEscalated(column)) && !page.Words((int)column).DominatedBy(off, stop, new ViewTimes(view), agent))
            Escalate(page, column);
        var shared = page.Shared;
        if (shared is not null && shared.IsEscalated(column)) shared.Record(column, agent, off, stop - off, time);
        else page.Words((int)column).Record(off, stop, agent, time);
    }

    /// <summary>Seeds the per-agent sets of <paramref name="column"/> from the page's words, which are dropped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Escalate(RacePage page, AccessColumn column)
    {
        var shared = page.Shared ??= new SharedAccesses();
        shared.Escalate(column);
        page.Words((int)column).Seed(shared, column);
        page.Columns[(int)column] = null;
    }
}
