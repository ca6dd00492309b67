using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay.Memory;

sealed partial class Shadow
{
    /// <summary>The last writes and cache marks of one byte of any region (the line rules walk whole lines).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ByteWrites WritesAt(ulong address)
    {
        var page = Pages.Page(address);
        int k = (int)(address & ShadowPage.Mask);
        return new ByteWrites(page.CpuWrite(k), page.DevWrite(k), page.CleanTime[k], page.InvalidatedBy[k]);
    }

    /// <summary>
    /// The next run of [<paramref name="cursor"/>, <paramref name="end"/>), inside one page, whose bytes share
    /// their last writes and cache marks, and those; false at the end. Any region: lines ignore regions.
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
        var page = Pages.Page(cursor);
        int k = (int)(cursor & ShadowPage.Mask);
        int stop = k + (int)(ShadowPage.ClipToPage(cursor, end) - cursor);
        int n = ShadowPage.Run(page.CpuWriteAt, page.DevWriteAt, k, stop);
        if (page.HasCacheState)
            n = Math.Min(ShadowPage.Run(page.CleanTime, k, k + n), ShadowPage.Run(page.InvalidatedBy, k, k + n));
        writes = new ByteWrites(page.CpuWrite(k), page.DevWrite(k), page.CleanTime[k], page.InvalidatedBy[k]);
        length = n;
        cursor += (ulong)n;
        return true;
    }
}
