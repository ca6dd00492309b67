using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

sealed partial class Shadow
{
    /// <summary>The last writers of the access the detectors are judging, walked once for all of them.</summary>
    internal readonly LastWriterRuns LastWriters = new();

    /// <summary>
    /// True when every cpu store the pages of [<paramref name="address"/>, <paramref name="end"/>) hold is at or
    /// before its cpu's component of <paramref name="row"/> (<paramref name="agents"/> long): one compare per
    /// cpu per page (<see cref="ShadowPage.Stores"/>), no cell read. Kept with the write history; false says nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool StoresWithin(ulong address, ulong end, ReadOnlySpan<uint> row, int agents)
    {
        // Page by page from the bytes left, not the next page's address (it wraps on the last page).
        for (ulong cursor = address; cursor < end; cursor = ShadowPage.ClipToPage(cursor, end))
            if (!Pages.Find(cursor).Stores.AllAtOrBefore(row, agents)) return false;
        return true;
    }
}
