using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.HappensBefore;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Memory;

/// <summary>
/// The shadow: per data byte its last accesses, per sync byte the release its last store published, the
/// cache-maintenance marks and the table values, on sparse pages. It records what the engine hands it and
/// knows no clocks beyond the hb question cache marks need. Columns no selected detector reads are not
/// written (<see cref="DetectorNeeds"/>): write epochs with <see cref="DetectorNeeds.WriteHistory"/>, read
/// epochs with <see cref="DetectorNeeds.ReadHistory"/>, clean and invalidation marks with
/// <see cref="DetectorNeeds.CacheState"/>, table values when an entry hook runs.
/// </summary>
sealed partial class Shadow
{
    internal readonly ShadowMemory Pages = new();
    readonly bool _writes, _reads, _caches;
    readonly bool _values;

    internal Shadow(DetectorNeeds needs, bool values)
    {
        _writes = (needs & DetectorNeeds.WriteHistory) != 0;
        _reads = (needs & DetectorNeeds.ReadHistory) != 0;
        _caches = (needs & DetectorNeeds.CacheState) != 0;
        _values = values;
    }

    /// <summary>Pages allocated so far.</summary>
    internal int PageCount => Pages.PageCount;

    /// <summary>A cpu store or a device write of [address, address + size): a cell per word touched, table values.</summary>
    /// <remarks>
    /// Nearly every write (a 4- or 8-byte store, an entry's word) lies in one word: one page lookup and one put,
    /// straight. Longer writes take <see cref="RecordRuns"/> out of line, so the one-word path keeps its values
    /// in registers (with the loop in the same method the JIT spilled them to the stack).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void RecordWrite(int agent, uint time, bool cpu, ulong address, int size, ReadOnlySpan<byte> data, RegionKind kind)
    {
        // Only entries' values are ever read (entry hooks, fetches): other regions skip the copy and the column.
        bool values = _values && kind == RegionKind.Table;
        if (!_writes && !values) return;
        int offset = (int)(address & ShadowPage.Mask);
        // (Unsigned: a size near int.MaxValue must not wrap into this path.)
        if ((uint)size > 8u - (uint)(offset & 7))
        {
            RecordRuns(agent, time, cpu, address, size, data, values);
            return;
        }
        var page = Pages.Page(address);
        if (_writes) page.RecordWord(cpu ? AccessColumn.CpuWrite : AccessColumn.DevWrite, Epoch.Pack(agent, time), offset, size);
        // A write inside one word lies inside one piece of the column (its blocks are whole words).
        if (values) SmallSpans.Copy(data[..size], page.Values.Cover(offset, size));
    }

    /// <summary><see cref="RecordWrite"/> of a write over more than one word: page by page.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void RecordRuns(int agent, uint time, bool cpu, ulong address, int size, ReadOnlySpan<byte> data, bool values)
    {
        ulong at = Epoch.Pack(agent, time);
        var column = cpu ? AccessColumn.CpuWrite : AccessColumn.DevWrite;
        for (int i = 0; i < size;)
        {
            ulong a = address + (ulong)i;
            var page = Pages.Page(a);
            int off = (int)(a & ShadowPage.Mask), n = Math.Min(size - i, ShadowPage.Size - off);
            // Cache marks belong to the write cells they qualify: the new cell starts unmarked.
            if (_writes) page.Record(column, at, off, n);
            if (values) page.Values.Write(off, data.Slice(i, n));
            i += n;
        }
    }

    /// <summary>A cpu load or a device DMA read of the data bytes of [address, end) in <paramref name="region"/>.</summary>
    /// <remarks>Inlined to its test: no selected detector reads the read columns today (dma-race keeps its
    /// own words), and a call per load and DMA read to return at once cost 0.2 % of an all-detector replay.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void RecordRead(int agent, uint time, bool cpu, RegionInfo region, ulong address, ulong end)
    {
        if (_reads) RecordReadRuns(agent, time, cpu, region, address, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void RecordReadRuns(int agent, uint time, bool cpu, RegionInfo region, ulong address, ulong end)
    {
        ulong at = Epoch.Pack(agent, time), cursor = address;
        var column = cpu ? AccessColumn.CpuRead : AccessColumn.DevRead;
        while (NextWritableRun(region, ByteClass.Data, ref cursor, end, out var p, out int o, out int n)) p.Record(column, at, o, n);
    }

    /// <summary>Cache maintenance by <paramref name="cpu"/>: cleans mark the writer's dirty bytes, invalidations mark device-written bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Cache(HbState hb, int cpu, EventKind kind, ulong address, int size)
    {
        if (!_caches) return;
        uint t = hb.Time[cpu];
        bool clean = kind != EventKind.CacheInval, inval = kind != EventKind.CacheClean;
        for (int i = 0; i < size;)
        {
            ulong a = address + (ulong)i;
            // Marks qualify write cells: a page never written has none to mark (and is not created).
            var page = Pages.Find(a);
            int off = (int)(a & ShadowPage.Mask), n = Math.Min(size - i, ShadowPage.Size - off);
            if (page != ShadowPage.Untouched) page.Mark(hb, cpu, t, clean, inval, off, n);
            i += n;
        }
    }

    /// <summary>The bit of <paramref name="agent"/> in an invalidation mark (cpus fold mod 64).</summary>
    internal static int CpuBit(int agent) => agent & 63;

    /// <summary>The reconstructed value of a table byte.</summary>
    internal byte ValueAt(ulong address) => Pages.Find(address).Values.At((int)(address & ShadowPage.Mask));

    /// <summary>
    /// Adds the local times of <paramref name="cpu"/>'s stores that are still some byte's last cpu store, in no
    /// order and with repeats (the caller sorts once, with what else it adds), asked during the event at trace index
    /// <paramref name="now"/> (edge-log compaction): a page no cpu stored to since this cpu's last ask adds the times
    /// that ask found, without reading a cell.
    /// </summary>
    /// <remarks>
    /// Only a cpu store changes the cpu-store cells (a device write, a read or a cache mark leaves their times as they
    /// are: a mark splits a cell, not its time), and each is noted in the page's <see cref="ShadowPage.Stores"/> with its
    /// local time, its trace index + 1. An ask during event <c>now</c> saw every store of an earlier event, so the page
    /// is as it was then while its latest store's time is at most <c>now</c>; a store of event <c>now</c> itself, which
    /// may come after the ask, counts as a change. Compaction asked every page the cpu stored to, reading its cells,
    /// once per 64 Ki edges: a large shadow set up once cost its cells at every compaction. The times are kept beside
    /// the pages, not in them: every access reads the page object, whose fields stay as they were.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AddLiveStoreTimes(int cpu, long now, List<uint> times)
    {
        var pages = Pages.InCreationOrder;
        if (_kept.Length < pages.Length) Array.Resize(ref _kept, Math.Max(pages.Length, 2 * _kept.Length));
        var kept = _kept;
        for (int i = 0; i < pages.Length; i++)
        {
            var page = pages[i];
            if (!page.Stores.MayHold(cpu)) continue; // most pages are stored to by one cpu, or by none
            var scan = kept[i];
            while (scan is not null && scan.Cpu != cpu) scan = scan.Next;
            if (scan is not null && scan.TryAdd(page.Stores.Latest, times)) continue;
            int start = times.Count;
            page.AddStoreTimes(cpu, times);
            if (scan is null) kept[i] = scan = new PageStoreTimes(cpu, kept[i]);
            scan.Keep((uint)now, CollectionsMarshal.AsSpan(times)[start..]);
        }
    }

    /// <summary>
    /// Per page, by its position in <see cref="ShadowMemory.InCreationOrder"/>: the times <see cref="AddLiveStoreTimes"/>
    /// last found there, one scan per cpu asked, chained.
    /// </summary>
    PageStoreTimes?[] _kept = [];

    /// <summary><see cref="AddLiveStoreTimes"/> reading every page's cells (the tests' twin, as it was before the times were kept).</summary>
    internal void AddLiveStoreTimesByScan(int cpu, List<uint> times)
    {
        foreach (var page in Pages.Pages) page.AddStoreTimes(cpu, times);
    }

    readonly ulong[]?[] _expanded = new ulong[]?[4];

    /// <summary>The buffer <see cref="AccessRun.Expand"/> fills for <paramref name="column"/> (one per column, so two expansions coexist).</summary>
    internal ulong[] ExpandBuffer(AccessColumn column) => _expanded[(int)column] ??= new ulong[ShadowPage.Size];

    /// <summary>Bytes of shadow held by the pages (cells, marks, spills, values, releases), for the memory tests.</summary>
    internal long Footprint
    {
        get
        {
            long bytes = 0;
            foreach (var page in Pages.Pages) bytes += page.Footprint;
            return bytes;
        }
    }
}
