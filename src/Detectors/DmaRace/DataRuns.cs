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
    /// False when none is left. The split is the shadow's (<see cref="ByteRuns"/>), without its page lookup.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Next(RegionInfo region, ref ulong cursor, ulong end, out ulong page, out int off, out int stop)
    {
        if (!ByteRuns.Next(region, ByteClass.Data, ref cursor, end, out ulong from))
        {
            page = 0;
            off = stop = 0;
            return false;
        }
        page = from / AccessRun.PageSize;
        off = (int)(from % AccessRun.PageSize);
        stop = off + (int)(cursor - from);
        return true;
    }

    /// <summary>
    /// The bytes that an access of <paramref name="size"/> bytes at <paramref name="address"/> covers in table
    /// <paramref name="region"/>, when it stays inside one entry: all payload, all present word, or
    /// <see cref="EntryBytes.Mixed"/> (then <see cref="Next"/> walks it). The same split as
    /// <see cref="ByteRuns"/>: the present word is [<see cref="RegionInfo.PresentWordOffset"/>, + its length) of each entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EntryBytes InEntry(RegionInfo region, ulong address, int size)
    {
        ulong e = region.EntrySize;
        if ((e & (e - 1)) != 0) return EntryBytes.Mixed;
        ulong into = (address - region.Base) & (e - 1), stop = into + (ulong)size;
        if (stop > e) return EntryBytes.Mixed;
        ulong pw0 = region.PresentWordOffset, pw1 = pw0 + region.PresentWordLength;
        if (stop <= pw0 || into >= pw1) return EntryBytes.Payload;
        return into >= pw0 && stop <= pw1 ? EntryBytes.PresentWord : EntryBytes.Mixed;
    }
}
