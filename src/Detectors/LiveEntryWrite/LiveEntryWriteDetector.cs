using System.Runtime.CompilerServices;
using TraceTools.Detectors.Entries;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.LiveEntryWrite;

/// <summary>
/// <c>live-entry-write</c> (model.md §8): a cpu store S to entry E, present before and after S, that changes a
/// bit the fetcher uses while the fetcher holds a copy of E: a fetch read of E saw it present, and since then
/// no invalidation of E by its fetcher and no write leaving E non-present. The copy is E as of that read,
/// updated by the fetcher's own writes. S is judged when, after it, E differs from the copy in a used bit
/// (used by the copy's or the new configuration): it fails at once when the difference reaches bytes S does
/// not write (an earlier change the fetcher was never told about), and otherwise unless an invalidation I of E
/// by its fetcher follows S before the fetcher's next fetch of E (a run of rising granule reads that begins
/// after S; the rest of a fetch already under way is torn-entry-fetch's) with S ordered before I. Related:
/// <c>fetch</c> (the read that saw E present). One per store.
/// </summary>
public sealed class LiveEntryWriteDetector : IDetector
{
    sealed class Copy
    {
        public bool Held;
        public long Fetch;
        public byte[] Bytes = [];
        /// <summary>Stores waiting for an invalidation before the fetcher's next fetch read of the entry.</summary>
        public readonly List<(Epoch Store, long Fetch)> Pending = [];
    }

    readonly EntryStates<Copy> _entries = new();
    readonly (bool Active, ulong Entry, uint Granule)[] _runs;
    byte[] _used = [];

    /// <summary>Creates the detector for a trace with <paramref name="agents"/> agents.</summary>
    public LiveEntryWriteDetector(int agents) => _runs = new (bool, ulong, uint)[agents];

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.LiveEntryWrite;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.ObClocks | DetectorNeeds.EdgeLog | DetectorNeeds.EntryValues;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.EntryStore | DetectorHooks.EntryFetch | DetectorHooks.EntryInvalidate;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryStore(DetectorView view, in EntryStore store)
    {
        var c = _entries.Find(store.EntryBase);
        if (c is null || !c.Held) return; // the fetcher holds no copy: nothing it uses can go stale
        if (!store.PresentAfter)
        {
            c.Held = false; // E left present: the next fetch sees a new entry
            return;
        }
        var table = view.Region(store.Region);
        if (store.ByDevice)
        {
            if (store.Agent == table.Device && store.Changed) view.EntryAfter.CopyTo(c.Bytes); // the fetcher knows its own writes
            return;
        }
        if (!store.PresentBefore || !store.ChangedUsed) return;
        var after = view.EntryAfter;
        if (!DiffersInUsedBits(table, c.Bytes, after, view.EntryStoreSpan, out bool outside)) return;
        var epoch = new Epoch(store.Index, store.Time, (ushort)store.Agent);
        if (outside) view.Report(Kind, store.Index, c.Fetch);
        else c.Pending.Add((epoch, c.Fetch));
    }

    /// <summary>
    /// Does <paramref name="after"/> differ from the fetcher's <paramref name="copy"/> in a bit, other than
    /// present, that the copy's or the new configuration uses; <paramref name="outside"/>: some such bit lies
    /// outside the bytes the store writes.
    /// </summary>
    bool DiffersInUsedBits(RegionInfo table, ReadOnlySpan<byte> copy, ReadOnlySpan<byte> after, (int Offset, int Length) written, out bool outside)
    {
        int e = (int)table.EntrySize;
        if (_used.Length < 2 * e) _used = new byte[2 * e];
        var usedCopy = _used.AsSpan(0, e);
        var usedAfter = _used.AsSpan(e, e);
        if (table.UsedBits is { } used)
        {
            used.Evaluate(copy, table.PresentBit, usedCopy);
            used.Evaluate(after, table.PresentBit, usedAfter);
        }
        else
        {
            usedCopy.Fill(0xff);
            usedAfter.Fill(0xff);
        }
        int presentByte = (int)(table.PresentBit / 8);
        byte presentMask = (byte)(1 << (int)(table.PresentBit % 8));
        bool any = false;
        outside = false;
        for (int k = 0; k < e; k++)
        {
            int diff = (copy[k] ^ after[k]) & (usedCopy[k] | usedAfter[k]);
            if (k == presentByte) diff &= ~presentMask;
            if (diff == 0) continue;
            any = true;
            if (k < written.Offset || k >= written.Offset + written.Length)
            {
                outside = true;
                return true;
            }
        }
        return any;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryFetch(DetectorView view, in EntryFetch fetch)
    {
        ref var run = ref _runs[fetch.Agent];
        bool starts = !run.Active || run.Entry != fetch.EntryBase || fetch.Granule <= run.Granule;
        run = (true, fetch.EntryBase, fetch.Granule);
        var c = _entries.Find(fetch.EntryBase);
        if (starts && c is not null && c.Pending.Count != 0) FailPending(view, c); // no invalidation came before this fetch
        if (!fetch.SawPresent) return;
        c ??= _entries.Get(fetch.EntryBase);
        var table = view.Region(fetch.Region);
        if (c.Bytes.Length != table.EntrySize) c.Bytes = new byte[table.EntrySize];
        view.ReadEntry(fetch.EntryBase, c.Bytes);
        c.Held = true;
        c.Fetch = fetch.Index;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEntryInvalidate(DetectorView view, in EntryInvalidation inv)
    {
        if (!inv.All)
        {
            var c = _entries.Find(inv.EntryBase);
            if (c is not null) Invalidate(view, c, inv);
            return;
        }
        var table = view.Region(inv.Region);
        foreach (var c in _entries.InRange(table.Base, table.End)) Invalidate(view, c, inv);
    }

    static void Invalidate(DetectorView view, Copy c, in EntryInvalidation inv)
    {
        c.Held = false;
        // A store ordered before the invalidation (the fetcher observes: outer domain, class o) is excused.
        for (int i = c.Pending.Count - 1; i >= 0; i--)
            if (view.StoreOrderedBefore(c.Pending[i].Store, inv.Agent, AccessClass.O, ObserverDomain.Outer)) c.Pending.RemoveAt(i);
    }

    /// <inheritdoc/>
    public void OnComplete(DetectorView view)
    {
        foreach (var c in _entries.InRange(0, ulong.MaxValue))
            if (c.Pending.Count != 0) FailPending(view, c);
    }

    void FailPending(DetectorView view, Copy c)
    {
        foreach (var (store, fetch) in c.Pending) view.Report(Kind, store.Index, fetch);
        c.Pending.Clear();
    }
}
