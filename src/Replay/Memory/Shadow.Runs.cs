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
        if (!ByteRuns.Next(region, which, ref cursor, end, out ulong from))
        {
            page = null!;
            offset = length = 0;
            return false;
        }
        page = write ? Pages.Page(from) : Pages.Find(from);
        offset = (int)(from & ShadowPage.Mask);
        length = (int)(cursor - from);
        return true;
    }
}
