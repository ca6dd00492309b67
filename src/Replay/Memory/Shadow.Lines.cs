using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay.Memory;

sealed partial class Shadow
{
    /// <summary>The last writes and cache marks of one byte of any region (the line rules walk whole lines).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ByteWrites WritesAt(ulong address)
    {
        ulong cursor = address;
        NextWriteRun(ref cursor, address + 1, out var writes, out _);
        return writes;
    }

    /// <summary>
    /// The next run of [<paramref name="cursor"/>, <paramref name="end"/>), inside one page, whose bytes share
    /// their last cpu store and device write with their marks (a clean time sits on the store's cell, the
    /// invalidations on the device write's), and those; false at the end. Any region: lines ignore regions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool NextWriteRun(ref ulong cursor, ulong end, out ByteWrites writes, out int length)
    {
        if (cursor >= end)
        {
            writes = default;
            length = 0;
            return false;
        }
        var page = Pages.Find(cursor);
        int k = (int)(cursor & ShadowPage.Mask);
        int stop = k + (int)(ShadowPage.ClipToPage(cursor, end) - cursor);
        // Both write columns in one pass over each word's cells.
        int n = page.WriterRun(k, stop, out ulong cpuAt, out ulong cpuMark, out ulong devAt, out ulong devMark);
        writes = new ByteWrites(Epoch.From(cpuAt), Epoch.From(devAt), (uint)cpuMark, devMark);
        length = n;
        cursor += (ulong)n;
        return true;
    }
}
