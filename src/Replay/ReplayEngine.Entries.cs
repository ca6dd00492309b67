using System.Numerics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Memory;
using TraceTools.Replay.Ordering;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    /// <summary>Computes, per entry a cpu store or DMA write overlaps, the present transition and what changed; before the shadow update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void EntryStores(int agent, long index, ulong address, int size, ReadOnlySpan<byte> data, int rid)
    {
        var table = Regions[rid];
        ulong e = table.EntrySize, end = address + (ulong)size;
        ulong first = Over(address - table.Base, e), last = Over(end - 1 - table.Base, e);
        int presentByte = (int)(table.PresentBit / 8);
        byte presentMask = (byte)(1 << (int)(table.PresentBit % 8));
        uint granule = table.Granule;
        int granuleShift = EntryDiff.ShiftOf(granule);
        int words = (int)((Over(e + granule - 1, granule) + 63) / 64);
        if (_granuleWords.Length < words) _granuleWords = new ulong[words];
        _granuleWordCount = words;
        var exact = _granuleWords.AsSpan(0, words);
        bool values = table.UsedBits is not null || WantsEntryValues;
        var slots = _entrySlots;
        var view = View;
        // A store over several entries is one release if it writes any of their present words (Publish snapshots the
        // event once), so its part in an entry whose own word it misses is a release too; one entry decides alone.
        bool spanReleases = first != last && WritesAPresentWord(table, first, last, address, end);
        for (ulong k = first; k <= last; k++)
        {
            ulong eb = table.Base + k * e;
            ulong from = Math.Max(address, eb), to = Math.Min(end, eb + e);
            ulong pa = eb + (ulong)presentByte;
            bool other = false;
            ulong granules = 0;
            if (words > 1) exact.Clear();
            bool before;
            if (((from ^ (to - 1)) | (from ^ pa)) >> ShadowPage.Shift == 0)
            {
                // The usual case: the bytes stored and the present byte on one page, looked up once.
                ref var held = ref _shadow.Pages.Page(from).Values;
                before = (held.At((int)(pa & ShadowPage.Mask)) & presentMask) != 0;
                int n = (int)(to - from);
                EntryDiff.Add(held.Read((int)(from & ShadowPage.Mask), n, _heldValues), data.Slice((int)(from - address), n), (int)(from - eb),
                    granuleShift, granule, presentByte, presentMask, exact, ref granules, ref other);
            }
            else
            {
                before = (_shadow.ValueAt(pa) & presentMask) != 0;
                // The entry's bytes as memory holds them, a page at a time (one page lookup per page, not per byte).
                for (ulong a = from; a < to;)
                {
                    int n = (int)Math.Min(to - a, (ulong)(ShadowPage.Size - (int)(a & ShadowPage.Mask)));
                    var held = _shadow.Pages.Page(a).Values.Read((int)(a & ShadowPage.Mask), n, _heldValues);
                    EntryDiff.Add(held, data.Slice((int)(a - address), n), (int)(a - eb),
                        granuleShift, granule, presentByte, presentMask, exact, ref granules, ref other);
                    a += (ulong)n;
                }
            }
            if (words == 1) exact[0] = granules;
            bool after = pa >= from && pa < to ? (data[(int)(pa - address)] & presentMask) != 0 : before;
            ulong word = eb + table.PresentWordOffset;
            // A store writing this entry's present word (sync bytes) is a release; so is its part in an entry whose
            // word it misses when it writes another entry's (spanReleases): Publish snapshots the event once.
            bool release = spanReleases || (from < word + table.PresentWordLength && to > word);
            if (values) BeginEntryValues(table, eb, index, address, data);
            var store = new EntryStore(index, agent, _hb.Time[agent], rid, eb, before, after, other, granules, _hb.IsDevice[agent])
            {
                ChangedUsed = granules != 0 && (table.UsedBits is null || ChangesUsedBits(table, rid)),
                IsRelease = release,
                Slot = slots.Of(rid, k),
            };
            _dispatch.OnEntryStore(EntryStoreHooks, view, store);
        }
    }

    /// <summary>True when the store [<paramref name="address"/>, <paramref name="end"/>) over entries <paramref name="first"/>..<paramref name="last"/> writes a byte of one of their present words.</summary>
    static bool WritesAPresentWord(RegionInfo table, ulong first, ulong last, ulong address, ulong end)
    {
        for (ulong k = first; k <= last; k++)
        {
            ulong word = table.Base + k * table.EntrySize + table.PresentWordOffset;
            if (address < word + table.PresentWordLength && end > word) return true;
        }
        return false;
    }

    /// <summary>
    /// x / d for the entry and granule sizes of tables: a shift when d is a power of two (the usual layout), where
    /// a 64-bit division costs tens of cycles on every entry store and every changed byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Over(ulong x, ulong d) => BitOperations.IsPow2(d) ? x >> BitOperations.Log2(d) : x / d;

    /// <summary>The entries' dense numbers, handed to the entry detectors with each entry event.</summary>
    readonly EntrySlots _entrySlots;

    /// <summary>The held values of an entry's bytes on one page that lie partly outside the page's value window (zeros there).</summary>
    readonly byte[] _heldValues = new byte[ShadowPage.Size];

    /// <summary>Granules changed by the entry store being handed to the detectors, bit g of word g / 64.</summary>
    ulong[] _granuleWords = new ulong[1];
    int _granuleWordCount;

    /// <summary>
    /// The exact set of granules the current <see cref="EntryStore"/> changed (bit g % 64 of word g / 64), at
    /// any entry size (contract v1.1: granules are independent); valid only inside an entry-store hook.
    /// </summary>
    internal ReadOnlySpan<ulong> ChangedGranuleWords => _granuleWords.AsSpan(0, _granuleWordCount);

    /// <summary>Per agent, the ids of the tables whose fetcher it is, in declaration order (the order the entry rules see them).</summary>
    int[][] TablesOf()
    {
        var of = new List<int>?[_hb.AgentCount];
        for (int rid = 0; rid < Regions.Length; rid++)
            if (Regions[rid].Kind == RegionKind.Table && (uint)Regions[rid].Device < (uint)of.Length) (of[Regions[rid].Device] ??= []).Add(rid);
        return [.. of.Select(l => l is null ? [] : l.ToArray())];
    }

    /// <summary>A fetcher's granule read: acquires the present word it covers, then tells the entry detectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Fetch(int device, long index, ulong address, int size, uint granule, int rid)
    {
        var table = Regions[rid];
        Read(device, EventKind.Fetch, index, address, size, rid);
        if (EntryFetchHooks.Length == 0) return;
        ulong number = Over(address - table.Base, table.EntrySize);
        ulong eb = table.Base + number * table.EntrySize;
        ulong pa = eb + table.PresentBit / 8;
        bool saw = pa >= address && pa < address + (ulong)size && (_shadow.ValueAt(pa) & (1 << (int)(table.PresentBit % 8))) != 0;
        var fetch = new EntryFetch(index, device, rid, eb, granule, saw) { Slot = _entrySlots.Of(rid, number) };
        var view = View;
        _dispatch.OnEntryFetch(EntryFetchHooks, view, fetch);
    }

    /// <summary>
    /// dev_invalidate: release to the device's next event (class o); the device's earlier events reach the
    /// cpu's LATER events (model.md §7.15), so the invalidation itself is not hb-after them. Then the entry rules.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void DevInvalidate(int cpu, long index, int device, ulong address, int size)
    {
        _hb.TransferToNext(cpu, device, AccessClass.O, index);
        _hb.TransferToNext(device, cpu, AccessClass.O, index);
        if (EntryInvalidateHooks.Length == 0) return;
        uint t = _hb.Time[cpu];
        var view = View;
        // The device's own tables only: a loop over every region cost each invalidation the trace's region count
        // (27 µs an invalidation with 20,000 regions declared).
        foreach (int rid in _tablesOf[device])
        {
            var r = Regions[rid];
            EntryInvalidation inv;
            if (size == 0) inv = new(index, cpu, t, device, rid, 0, All: true);
            else if (r.Contains(address, 1))
            {
                ulong number = (address - r.Base) / r.EntrySize;
                inv = new(index, cpu, t, device, rid, r.Base + number * r.EntrySize, All: false) { Slot = _entrySlots.Find(rid, number) };
            }
            else continue;
            _dispatch.OnEntryInvalidate(EntryInvalidateHooks, view, inv);
        }
    }
}
