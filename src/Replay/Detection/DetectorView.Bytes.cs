using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

/// <summary>
/// One run of an access's data bytes inside one shadow page, and where it lies in the page (offsets are
/// page offsets). <see cref="Run(AccessColumn, int, int, out ulong)"/> answers, from the page's word cells,
/// the latest access of a column at a byte and how far it holds. Columns not kept
/// (<see cref="DetectorNeeds"/>) read as no access.
/// </summary>
public readonly ref struct AccessRun
{
    readonly ShadowPage _page;
    readonly Shadow _shadow;

    internal AccessRun(Shadow shadow, ShadowPage page, ulong address, int offset, int length)
    {
        _shadow = shadow;
        _page = page;
        Address = address;
        Offset = offset;
        Length = length;
    }

    /// <summary>Page number (address / <see cref="PageSize"/>).</summary>
    public ulong Page => Address >> ShadowPage.Shift;
    /// <summary>First byte of the run.</summary>
    public ulong Address { get; }
    /// <summary>Offset of the run in the page.</summary>
    public int Offset { get; }
    /// <summary>Bytes in the run.</summary>
    public int Length { get; }

    /// <summary>
    /// The latest access of <paramref name="column"/> to page offset <paramref name="k"/>, packed
    /// (<see cref="Epoch.From"/>; 0 = none), and the number of bytes from k (at least 1, at most to
    /// <paramref name="stop"/>) over which the column keeps it. A run may end early at a cell boundary; it
    /// never spans two accesses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Run(AccessColumn column, int k, int stop, out ulong at) => _page.Run(column, k, stop, out at, out _);

    /// <summary>As <see cref="Run(AccessColumn, int, int, out ulong)"/> over two columns at once (one walk of the words): the bytes over which both keep their access.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Run(AccessColumn first, AccessColumn second, int k, int stop, out ulong firstAt, out ulong secondAt) =>
        _page.PairRun(first, second, k, stop, out firstAt, out _, out secondAt, out _);

    /// <summary>
    /// The page's latest access of <paramref name="column"/> per byte, packed, expanded from the cells into
    /// a buffer the next expansion of the same column overwrites (4 KiB × 8 bytes: for rare whole-page scans
    /// and tests; hot paths use <see cref="Run(AccessColumn, int, int, out ulong)"/>).
    /// </summary>
    public ReadOnlySpan<ulong> Expand(AccessColumn column)
    {
        var bytes = _shadow.ExpandBuffer(column);
        _page.Expand(column, bytes);
        return bytes;
    }

    /// <summary>Last cpu store per byte of the page, packed (<see cref="Epoch.From"/>; 0 = none). Expanded on each call: see <see cref="Expand"/>.</summary>
    public ReadOnlySpan<ulong> CpuWrites => Expand(AccessColumn.CpuWrite);
    /// <summary>Last device write per byte of the page, packed. Expanded on each call: see <see cref="Expand"/>.</summary>
    public ReadOnlySpan<ulong> DevWrites => Expand(AccessColumn.DevWrite);
    /// <summary>Last cpu load per data byte of the page, packed. Expanded on each call: see <see cref="Expand"/>.</summary>
    public ReadOnlySpan<ulong> CpuReads => Expand(AccessColumn.CpuRead);
    /// <summary>Last device DMA read per data byte of the page, packed. Expanded on each call: see <see cref="Expand"/>.</summary>
    public ReadOnlySpan<ulong> DevReads => Expand(AccessColumn.DevRead);

    /// <summary>Bytes per shadow page.</summary>
    public const int PageSize = ShadowPage.Size;
}

public readonly ref partial struct DetectorView
{
    /// <summary>
    /// The next run of <paramref name="access"/>'s data bytes from <paramref name="cursor"/> (start it at the
    /// access's address), inside one shadow page; false at the end. A loop, not an enumerator: dma-race's
    /// hot path ran ~40% slower with the enumerator's state kept in memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextRun(in DataAccess access, ref ulong cursor, out AccessRun run)
    {
        ulong end = access.Address + (ulong)access.Size;
        var shadow = _engine.Shadow;
        if (!shadow.NextRun(_engine.Regions[access.Region], ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            run = default;
            return false;
        }
        run = new AccessRun(shadow, page, cursor - (ulong)len, off, len);
        return true;
    }

    /// <summary>
    /// The shared last-writer walk: over the data bytes of <paramref name="access"/>, in runs of equal last
    /// writer (and mark), the first whose last write is of <paramref name="rule"/>'s side and fails it.
    /// </summary>
    /// <remarks>
    /// The runs are walked once per access and kept for the next detector asking about the same access
    /// (<see cref="LastWriterRuns"/>): each rule then only visits the writes of its own side.
    /// </remarks>
    /// <returns>True with that write when one fails.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool FindLastWriter<TRule>(in DataAccess access, TRule rule, out LastWrite found) where TRule : struct, ILastWriterRule
    {
        ReplayThrow.Unless((_engine.Needs & DetectorNeeds.WriteHistory) != 0, "WriteHistory");
        ReplayThrow.Unless(rule.Mark == CacheMark.None || (_engine.Needs & DetectorNeeds.CacheState) != 0, "CacheState");
        var shadow = _engine.Shadow;
        var region = _engine.Regions[access.Region];
        var kept = shadow.LastWriters;
        if (!kept.Collect(shadow, region, access.Index, access.Kind, access.Address, access.Size)) return WalkLastWriter(access, rule, out found);
        bool cpu = rule.Side == WriterSide.Cpu;
        ulong judged = 0;
        foreach (var run in cpu ? kept.Cpu : kept.Device)
        {
            // Without a mark, runs that differ only in their mark are one write to the rule.
            if (rule.Mark == CacheMark.None && run.At == judged) continue;
            judged = run.At;
            var write = Judged(rule, run.At, run.Mark);
            if (!rule.Fails(this, write)) continue;
            found = write;
            return true;
        }
        found = default;
        return false;
    }

    /// <summary>The write a rule judges: marks sit on the write cell they qualify, a clean time on a cpu store, invalidations on a device write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static LastWrite Judged<TRule>(TRule rule, ulong at, ulong mark) where TRule : struct, ILastWriterRule
    {
        bool cpu = rule.Side == WriterSide.Cpu;
        return new LastWrite(
            Epoch.From(at),
            cpu && rule.Mark == CacheMark.CleanTime ? (uint)mark : 0,
            !cpu && rule.Mark == CacheMark.InvalidatedBy ? mark : 0);
    }

    /// <summary>
    /// <see cref="FindLastWriter"/> without the kept runs: the walk run by run, for an access with more runs
    /// than <see cref="LastWriterRuns"/> keeps (and the twin the kept runs are tested against).
    /// </summary>
    internal bool WalkLastWriter<TRule>(in DataAccess access, TRule rule, out LastWrite found) where TRule : struct, ILastWriterRule
    {
        var region = _engine.Regions[access.Region];
        var shadow = _engine.Shadow;
        bool cpu = rule.Side == WriterSide.Cpu;
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (shadow.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            for (int k = off, stop = off + len, n; k < stop; k += n)
            {
                // The last writer (any agent) is the later of the two sides (times are trace indices + 1).
                n = page.WriterRun(k, stop, out ulong cpuAt, out ulong cpuMark, out ulong devAt, out ulong devMark);
                if (cpu ? (uint)cpuAt <= (uint)devAt : (uint)devAt <= (uint)cpuAt) continue;
                var write = Judged(rule, cpu ? cpuAt : devAt, cpu ? cpuMark : devMark);
                if (!rule.Fails(this, write)) continue;
                found = write;
                return true;
            }
        }
        found = default;
        return false;
    }
}
