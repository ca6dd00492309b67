using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Where a region's bytes of one <see cref="ByteClass"/> lie, from declarations alone (no shadow): ram is all
/// data, a sync region all sync, a table's present words sync and the rest of its entries data, MMIO neither.
/// The one split the shadow's run walk, dma-race's own walk and the data-byte query share.
/// </summary>
static class ByteRuns
{
    /// <summary>
    /// The next run of <paramref name="which"/> bytes of [<paramref name="cursor"/>, <paramref name="end"/>) in
    /// <paramref name="region"/> that stays inside one shadow page and one side of a present word: the run is
    /// [<paramref name="from"/>, the new cursor). False (cursor at end) when none is left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Next(RegionInfo region, ByteClass which, ref ulong cursor, ulong end, out ulong from)
    {
        while (cursor < end)
        {
            ulong runEnd = end;
            var kind = region.Kind;
            if (kind == RegionKind.Table)
            {
                ulong e = region.EntrySize;
                // Entry sizes are nearly always powers of two: a mask, not a 64-bit division per run.
                ulong into = cursor - region.Base;
                ulong entry = cursor - ((e & (e - 1)) == 0 ? into & (e - 1) : into % e);
                ulong pw0 = entry + region.PresentWordOffset, pw1 = pw0 + region.PresentWordLength;
                bool inWord = cursor >= pw0 && cursor < pw1;
                if (inWord != (which == ByteClass.Sync))
                {
                    // Skip to where the wanted class starts: the end of the word, or the next word.
                    cursor = inWord ? pw1 : (cursor < pw0 ? pw0 : NextPresentWord(entry, e, region, end));
                    continue;
                }
                runEnd = Math.Min(end, inWord ? pw1 : (cursor < pw0 ? pw0 : NextPresentWord(entry, e, region, end)));
            }
            else if ((kind == RegionKind.Ram) != (which == ByteClass.Data) || kind == RegionKind.Mmio)
            {
                cursor = end;
                break;
            }
            from = cursor;
            cursor = ShadowPage.ClipToPage(cursor, runEnd);
            return true;
        }
        from = 0;
        return false;
    }

    // The next entry's present word, or end when the access stops first: for the last entry of a table
    // that ends near 2^64, entry + size + offset would wrap to a small address.
    static ulong NextPresentWord(ulong entry, ulong entrySize, RegionInfo region, ulong end) =>
        end - entry <= entrySize ? end : entry + entrySize + region.PresentWordOffset;
}
