using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

/// <summary>
/// One run of an access's data bytes inside one shadow page: the page's whole columns (detectors keep
/// per-page state of their own, keyed by <see cref="Page"/>) and where the run lies in them. Columns not
/// kept (<see cref="DetectorNeeds"/>) read as all zero.
/// </summary>
public readonly ref struct AccessRun
{
    readonly ShadowPage _page;

    internal AccessRun(ShadowPage page, ulong address, int offset, int length)
    {
        _page = page;
        Address = address;
        Offset = offset;
        Length = length;
    }

    /// <summary>Page number (address / <see cref="PageSize"/>).</summary>
    public ulong Page => Address >> ShadowPage.Shift;
    /// <summary>First byte of the run.</summary>
    public ulong Address { get; }
    /// <summary>Offset of the run in the page's columns.</summary>
    public int Offset { get; }
    /// <summary>Bytes in the run.</summary>
    public int Length { get; }
    /// <summary>Last cpu store per byte of the page, packed (<see cref="Epoch.From"/>; 0 = none).</summary>
    public ReadOnlySpan<ulong> CpuWrites => _page.CpuWriteAt;
    /// <summary>Last device write per byte of the page, packed.</summary>
    public ReadOnlySpan<ulong> DevWrites => _page.DevWriteAt;
    /// <summary>Last cpu load per data byte of the page, packed.</summary>
    public ReadOnlySpan<ulong> CpuReads => _page.CpuReadAt;
    /// <summary>Last device DMA read per data byte of the page, packed.</summary>
    public ReadOnlySpan<ulong> DevReads => _page.DevReadAt;

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
        if (!_engine.Shadow.NextRun(_engine.Regions[access.Region], ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            run = default;
            return false;
        }
        run = new AccessRun(page, cursor - (ulong)len, off, len);
        return true;
    }

    /// <summary>
    /// The shared last-writer walk: over the data bytes of <paramref name="access"/>, in runs of equal last
    /// writer (and mark), the first whose last write is of <paramref name="rule"/>'s side and fails it.
    /// </summary>
    /// <returns>True with that write when one fails.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool FindLastWriter<TRule>(in DataAccess access, TRule rule, out LastWrite found) where TRule : struct, ILastWriterRule
    {
        ReplayThrow.Unless((_engine.Needs & DetectorNeeds.WriteHistory) != 0, "WriteHistory");
        ReplayThrow.Unless(rule.Mark == CacheMark.None || (_engine.Needs & DetectorNeeds.CacheState) != 0, "CacheState");
        var region = _engine.Regions[access.Region];
        var shadow = _engine.Shadow;
        bool cpu = rule.Side == WriterSide.Cpu;
        ulong cursor = access.Address, end = cursor + (ulong)access.Size;
        while (shadow.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            ulong[] cpuWrites = page.CpuWriteAt, devWrites = page.DevWriteAt;
            for (int k = off, stop = off + len; k < stop; k += RunLength(rule, page, k, stop))
            {
                if (cpu ? !page.LastWriteIsCpu(k) : !page.LastWriteIsDevice(k)) continue;
                var write = new LastWrite(
                    Epoch.From(cpu ? cpuWrites[k] : devWrites[k]),
                    rule.Mark == CacheMark.CleanTime ? page.CleanTime[k] : 0,
                    rule.Mark == CacheMark.InvalidatedBy ? page.InvalidatedBy[k] : 0);
                if (!rule.Fails(this, write)) continue;
                found = write;
                return true;
            }
        }
        found = default;
        return false;
    }

    /// <summary>Bytes from <paramref name="k"/> with the same last writers and, when the rule reads one, the same mark.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int RunLength<TRule>(TRule rule, ShadowPage page, int k, int stop) where TRule : struct, ILastWriterRule
    {
        int n = ShadowPage.Run(page.CpuWriteAt, page.DevWriteAt, k, stop);
        return rule.Mark switch
        {
            CacheMark.CleanTime => Math.Min(n, ShadowPage.Run(page.CleanTime, k, stop)),
            CacheMark.InvalidatedBy => Math.Min(n, ShadowPage.Run(page.InvalidatedBy, k, stop)),
            _ => n,
        };
    }
}
