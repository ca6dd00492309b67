using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;

namespace TraceTools.Replay.Sharding;

/// <summary>
/// The route of an access that stays inside one page, cached per page for <see cref="BatchRouter"/>: a page that
/// lies wholly inside one region of ram (its owner's bit), sync or MMIO (every replica) routes every access inside it
/// the same way, whatever its address and size there. Table pages (the route depends on whether the access touches a
/// present word) and pages two regions share are never cached: they take the router's lookup.
/// </summary>
/// <remarks>
/// The lookup it saves (a region lookup, its kind, the page's owner) was 3.6 % of a <c>--threads 2</c> replay's samples
/// (10^8-event driver mix, all on the decode thread): as much as decoding the batch. Direct-mapped, 1,024 lines of
/// 16 bytes: the driver mix touches about 640 pages.
/// </remarks>
sealed class PageRoutes
{
    const int LineBits = 10;

    struct Line
    {
        /// <summary>The page held (<see cref="ulong.MaxValue"/>: none; page numbers have at most 52 bits).</summary>
        public ulong Page;
        /// <summary>The route of an access inside the page (never 0: a route names at least one replica).</summary>
        public byte Route;
    }

    readonly Line[] _lines = new Line[1 << LineBits];

    /// <summary>An empty cache: no line holds a page.</summary>
    public PageRoutes()
    {
        foreach (ref var line in _lines.AsSpan()) line = new Line { Page = ulong.MaxValue };
    }

    /// <summary>
    /// The cached route of an access of <paramref name="size"/> bytes at <paramref name="address"/>, or 0 when the
    /// access leaves its page, has no bytes, or its page is not cached.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Get(ulong address, int size)
    {
        ulong page = address >> ShadowPage.Shift;
        ref var line = ref _lines[(int)page & ((1 << LineBits) - 1)];
        // size - 1 < the bytes left in the page: at least one byte, and none past the page (sizes below 1 wrap high).
        uint left = (uint)ShadowPage.Size - (uint)(address & ShadowPage.Mask);
        return line.Page == page && (uint)(size - 1) < left ? line.Route : (byte)0;
    }

    /// <summary>Caches <paramref name="route"/> for every access inside <paramref name="page"/>.</summary>
    public void Set(ulong page, byte route)
    {
        ref var line = ref _lines[(int)page & ((1 << LineBits) - 1)];
        line.Page = page;
        line.Route = route;
    }
}
