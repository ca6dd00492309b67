using System.Numerics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// The data bytes of an access (ram; table bytes outside the entries' present words), in runs inside one
/// 4 KiB page: dma-race walks them itself, so it needs none of the engine's shadow columns.
/// </summary>
static class DataRuns
{
    /// <summary>
    /// The next run of data bytes of [<paramref name="cursor"/>, <paramref name="end"/>) in
    /// <paramref name="region"/>: page number and page offsets [<paramref name="off"/>, <paramref name="stop"/>).
    /// False when none is left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Next(RegionInfo region, ref ulong cursor, ulong end, out ulong page, out int off, out int stop)
    {
        if (region.Kind == RegionKind.Table) return NextInTable(region, ref cursor, end, out page, out off, out stop);
        if (cursor >= end || region.Kind != RegionKind.Ram)
        {
            cursor = end;
            page = 0;
            off = stop = 0;
            return false;
        }
        return Cut(ref cursor, end, out page, out off, out stop);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Cut(ref ulong cursor, ulong runEnd, out ulong page, out int off, out int stop)
    {
        ulong next = ShadowPage.ClipToPage(cursor, runEnd);
        page = cursor / AccessRun.PageSize;
        off = (int)(cursor % AccessRun.PageSize);
        stop = off + (int)(next - cursor);
        cursor = next;
        return true;
    }

    /// <summary>A table's payload bytes: the runs between present words (as the shadow's data runs).</summary>
    static bool NextInTable(RegionInfo region, ref ulong cursor, ulong end, out ulong page, out int off, out int stop)
    {
        ulong e = region.EntrySize;
        while (cursor < end)
        {
            // Entry sizes are mostly powers of two: a mask instead of a 64-bit division.
            ulong inEntry = BitOperations.IsPow2(e) ? (cursor - region.Base) & (e - 1) : (cursor - region.Base) % e;
            ulong entry = cursor - inEntry;
            ulong pw0 = entry + region.PresentWordOffset, pw1 = pw0 + region.PresentWordLength;
            if (cursor >= pw0 && cursor < pw1)
            {
                cursor = pw1;
                continue;
            }
            // The next entry's present word, or end when the access stops first (an entry near 2^64 would wrap).
            ulong runEnd = cursor < pw0 ? pw0 : end - entry <= e ? end : entry + e + region.PresentWordOffset;
            return Cut(ref cursor, Math.Min(end, runEnd), out page, out off, out stop);
        }
        page = 0;
        off = stop = 0;
        return false;
    }
}
