using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.TornEntryFetch;

// Tables with used bits (model.md §8): a fetch is torn at granule g only by a store that changed bits of g
// the configuration the fetch observed uses.
public sealed partial class TornEntryFetchDetector
{
    /// <summary>A fetcher's current run on a used-bits table: what it read, and the stamps of the cpu stores to its entry.</summary>
    sealed class UsedRun
    {
        public bool Active;
        public RegionInfo? Table;
        public byte[] Observed = [], Now = [], Seen = [], StoreBefore = [];
        public bool[] Read = [];
        public readonly ChangeStamps Changes = new();

        /// <summary>
        /// Per table (region index) with used bits, the outcomes of its rules on the observed entry this fetcher last
        /// evaluated: the next evaluation, a store later, re-evaluates only the conditions of the bytes that differ
        /// (evaluating every rule again cost rules × conditions a store, up to 1,024 × 256).
        /// </summary>
        public UsedOutcomes?[] Outcomes = [];

        /// <summary>Used(O) of the last evaluation, from <see cref="Outcomes"/>.</summary>
        public UsedOutcomes? Used;

        /// <summary>
        /// <see cref="Used"/> holds Used(O) of this run's observed entry and no write changed the entry since: O is then
        /// the same at the next read (the granules read in between were read as memory still holds them), so a fetch
        /// whose later granules one wide store changed evaluates once, not at every read (n reads of the entry's size).
        /// </summary>
        public bool UsedKnown;
    }

    readonly UsedRun[] _usedRuns;

    UsedRun UsedRunOf(int agent) => _usedRuns[agent] ??= new UsedRun();

    void StartUsedRun(DetectorView view, in EntryFetch fetch)
    {
        var u = UsedRunOf(fetch.Agent);
        var table = view.Region(fetch.Region);
        u.Active = table.UsedBits is not null;
        if (!u.Active) return;
        int e = (int)table.EntrySize;
        u.Table = table;
        if (u.Observed.Length != e) (u.Observed, u.Now, u.Seen, u.StoreBefore) = (new byte[e], new byte[e], new byte[e], new byte[e]);
        if (u.Outcomes.Length <= fetch.Region) Array.Resize(ref u.Outcomes, fetch.Region + 1);
        u.Used = u.Outcomes[fetch.Region] ??= new UsedOutcomes(table.UsedBits!, e, table.PresentBit);
        int granules = e / (int)table.Granule;
        if (u.Read.Length != granules) u.Read = new bool[granules];
        else Array.Clear(u.Read);
        u.Changes.Room(e, (int)table.Granule);
        u.UsedKnown = false;
    }

    /// <summary>Keeps the bytes of the granule just read as the fetch saw them.</summary>
    void ObserveGranule(DetectorView view, in EntryFetch fetch)
    {
        var u = UsedRunOf(fetch.Agent);
        if (!u.Active) return;
        int g = (int)u.Table!.Granule, at = (int)fetch.Granule * g;
        // This granule's bytes only: reading the whole entry for each granule read made a fetch of an entry of n
        // granules cost n² byte reads (4 KiB entries of 1-byte granules: 29 µs a fetch event).
        view.ReadEntry(fetch.EntryBase + (ulong)at, u.Observed.AsSpan(at, g));
        u.Read[fetch.Granule] = true;
    }

    /// <summary>A cpu store to a used-bits table: stamped when the fetcher's current run is on its entry.</summary>
    void LogUsedStore(DetectorView view, RegionInfo table, in EntryStore store)
    {
        var u = _usedRuns[table.Device];
        if (u is null || !u.Active || !_runs[table.Device].Active || _runs[table.Device].Entry != store.EntryBase) return;
        u.UsedKnown = false;
        // The bytes it wrote only, as memory held them and as it wrote them (EntryBefore/EntryAfter would build the entry).
        var (offset, length) = view.EntryStoreSpan;
        var before = u.StoreBefore.AsSpan(offset, length);
        view.ReadEntry(store.EntryBase + (ulong)offset, before);
        u.Changes.Record(store.Index, offset, before, view.EntryStoreBytes, (int)table.Granule);
    }

    /// <summary>A device's write that changed an entry: the observed entry of a fetch under way on it changes.</summary>
    void ForgetUsed(DetectorView view, in EntryStore store)
    {
        var table = view.Region(store.Region);
        if ((uint)table.Device >= (uint)_usedRuns.Length) return;
        var u = _usedRuns[table.Device];
        if (u is not null && _runs[table.Device].Active && _runs[table.Device].Entry == store.EntryBase) u.UsedKnown = false;
    }

    /// <summary>
    /// The latest cpu store after the run's first read that changed bits of this granule which the observed
    /// entry uses (granules read so far as the fetch read them, the others as memory holds them now), or -1.
    /// </summary>
    long UsedTear(DetectorView view, in EntryFetch fetch, long firstIndex)
    {
        var u = UsedRunOf(fetch.Agent);
        var table = u.Table!;
        int g = (int)table.Granule;
        int from = (int)fetch.Granule * g;
        // Only a store stamped since the run's first read that changed a byte of this granule can tear it. Without one
        // the answer is -1 whatever the used bits are, and evaluating them (over the whole entry) for every granule read
        // made a fetch of an entry of n granules cost n² steps.
        if (u.Changes.LatestChange(fetch.Granule) <= firstIndex) return -1;
        if (!u.UsedKnown)
        {
            view.ReadEntry(fetch.EntryBase, u.Now);
            var o = u.Seen;
            for (int k = 0; k < u.Read.Length; k++)
            {
                // Granules read earlier in this fetch as it read them; this one and the unread ones as memory holds them now.
                var source = u.Read[k] && k != fetch.Granule ? u.Observed : u.Now;
                source.AsSpan(k * g, g).CopyTo(o.AsSpan(k * g));
            }
            u.Used!.Update(o);
            u.UsedKnown = true;
        }
        long latest = u.Changes.LatestUsedChange(from, u.Used!.Used.Slice(from, g));
        return latest > firstIndex ? latest : -1;
    }
}
