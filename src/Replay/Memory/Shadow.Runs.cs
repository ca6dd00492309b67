using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Memory;

/// <summary>Which bytes of an access a run walk visits.</summary>
enum ByteClass : byte
{
    /// <summary>Data bytes: ram, and table payload (not the present word).</summary>
    Data,
    /// <summary>Sync bytes: sync regions and table present words.</summary>
    Sync,
}

sealed partial class Shadow
{
    /// <summary>
    /// Next run of <paramref name="which"/> bytes of [<paramref name="cursor"/>, <paramref name="end"/>)
    /// that stays inside one shadow page (and, for tables, one side of a present word). Walks an access
    /// in a few runs instead of byte by byte: callers then work on column spans. Only reads the page: one
    /// never written is <see cref="ShadowPage.Untouched"/>, and none is created.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool NextRun(RegionInfo region, ByteClass which, ref ulong cursor, ulong end, out ShadowPage page, out int offset, out int length) =>
        NextRun(region, which, ref cursor, end, write: false, out page, out offset, out length);

    /// <summary>As <see cref="NextRun(RegionInfo, ByteClass, ref ulong, ulong, out ShadowPage, out int, out int)"/>, for a caller that writes the page: it is created when missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool NextWritableRun(RegionInfo region, ByteClass which, ref ulong cursor, ulong end, out ShadowPage page, out int offset, out int length) =>
        NextRun(region, which, ref cursor, end, write: true, out page, out offset, out length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool NextRun(RegionInfo region, ByteClass which, ref ulong cursor, ulong end, bool write, out ShadowPage page, out int offset, out int length)
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
            runEnd = ShadowPage.ClipToPage(cursor, runEnd);
            page = write ? Pages.Page(cursor) : Pages.Find(cursor);
            offset = (int)(cursor & ShadowPage.Mask);
            length = (int)(runEnd - cursor);
            cursor = runEnd;
            return true;
        }
        page = null!;
        offset = length = 0;
        return false;
    }

    // The next entry's present word, or end when the access stops first: for the last entry of a table
    // that ends near 2^64, entry + size + offset would wrap to a small address.
    static ulong NextPresentWord(ulong entry, ulong entrySize, RegionInfo region, ulong end) =>
        end - entry <= entrySize ? end : entry + entrySize + region.PresentWordOffset;
}
