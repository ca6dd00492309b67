namespace TraceTools.Tests.Reference;

/// <summary>
/// The shadow memory's shapes (docs/replay-engine.md "Shadow memory"), which the 64-byte buffer never shows: a ram
/// region of two whole pages (<see cref="Pages"/>), written, read and cleaned by whole pages (a uniform page, one word
/// for all 512), by both pages at once, by parts that materialize a uniform page, by accesses that end at a page's last
/// byte or cross into the next page, by words far up a page and then below them (a window that grows down), and by
/// byte stores of several agents into one word (a spilled word). Cache maintenance is done twice over one store (or one
/// device write): a line first, then a range holding it, so that a line's mark differs from its neighbours' under one
/// cell, which a whole-page collapse or a run of whole words must keep.
/// </summary>
public sealed partial class TraceGenerator
{
    /// <summary>Base of the two-page ram region, declared by the first shadow step.</summary>
    public const ulong Pages = 0x8000;
    const int PageBytes = 0x1000;
    bool _pagesDeclared;
    // The last span drawn in the pages (windows grow next to it, up or down).
    ulong _pagesLast = Pages + 0x800;

    /// <summary>
    /// Shadow steps after the trace's other steps (none, one or two), so the random stream of every other step, and every
    /// trace's prefix, stays as it was: drawn from <c>Step()</c> instead, they took the events of other steps and a
    /// construct of another part (a store over a line edge cleaned in part) fell below its count.
    /// </summary>
    void ShadowTail()
    {
        if (Chance(50)) ShadowStep();
        if (Chance(25)) ShadowStep();
    }

    void ShadowStep()
    {
        if (!_pagesDeclared)
        {
            _pagesDeclared = true;
            _b.Ram("pages", Pages, 2 * PageBytes);
        }
        switch (_rng.Next(4))
        {
            case 0: WholePageThenParts(); break;
            case 1: CleanedTwice(); break;
            case 2: InvalidatedTwice(); break;
            default: ByteStoresInOneWord(); break;
        }
    }

    /// <summary>The line size as declared so far (a later step may still declare another: the shapes stay valid, their lines shift).</summary>
    int PagesLine => _b.CacheLineSize == 0 ? 64 : _b.CacheLineSize;

    /// <summary>A whole page, or both.</summary>
    (ulong Addr, int Size) WholePages() => _rng.Next(3) switch
    {
        0 => (Pages, PageBytes),
        1 => (Pages + PageBytes, PageBytes),
        _ => (Pages, 2 * PageBytes),
    };

    /// <summary>
    /// A part of the pages: at a page's first or last bytes, across the boundary between them, a few words above or
    /// below the last span (a window's edge), or anywhere; clipped to the region.
    /// </summary>
    (ulong Addr, int Size) PagesPart()
    {
        const ulong end = Pages + 2 * PageBytes;
        ulong at;
        int size = Pick(1, 2, 4, 8, 8, 16, 24, 64, _rng.Next(1, 200));
        switch (_rng.Next(5))
        {
            case 0: at = Pages + PageBytes - (ulong)_rng.Next(1, 17); size = Math.Max(size, (int)(Pages + PageBytes - at) + _rng.Next(1, 9)); break;
            case 1: at = Pick(Pages, Pages + PageBytes) + Pick(0ul, 1ul, 8ul, 0xff8ul, 0xffcul, 0xfffuL); break;
            case 2: at = _pagesLast + (ulong)(8 * _rng.Next(1, 4)) + (ulong)_rng.Next(-1, 2); break;
            case 3: at = _pagesLast - (ulong)(8 * _rng.Next(1, 4)) + (ulong)_rng.Next(-1, 2); break;
            default: at = Pages + (ulong)_rng.Next(2 * PageBytes); break;
        }
        at = Math.Clamp(at, Pages, end - 1);
        size = (int)Math.Min((ulong)size, end - at);
        // A page's last byte, or the region's: sometimes end exactly there.
        if (Chance(20)) size = (int)((at < Pages + PageBytes ? Pages + PageBytes : end) - at);
        _pagesLast = at;
        return (at, size);
    }

    (ulong Addr, int Size) PagesSpan() => Chance(30) ? WholePages() : PagesPart();

    /// <summary>
    /// A whole-page write (a uniform page), maybe handed over, then writes of parts by either side (which give every
    /// word its own cells, or stay uniform when whole again), maybe cache maintenance, then reads of spans.
    /// </summary>
    void WholePageThenParts()
    {
        ushort c = Cpu, d = Dev;
        var (a, n) = WholePages();
        bool cpu = Chance(50);
        if (cpu) _b.Store(c, a, n);
        else _b.DmaWrite(d, a, n);
        if (Chance(60))
        {
            if (cpu) { MaybeBarrier(c); Doorbell(c, d); }
            else { _b.RaiseIrq(d); _b.TakeIrq(c, d); }
        }
        for (int i = _rng.Next(1, 3); i > 0; i--)
        {
            var (p, pn) = PagesSpan();
            if (Chance(50)) _b.Store(Cpu, p, pn);
            else _b.DmaWrite(Dev, p, pn);
        }
        if (Chance(40)) { var (m, mn) = PagesSpan(); CacheOp(c, m, mn); }
        MaybeBarrier(c);
        if (Chance(50)) Doorbell(c, d);
        for (int i = _rng.Next(1, 3); i > 0; i--)
        {
            var (r, rn) = PagesSpan();
            if (Chance(50)) _b.DmaRead(d, r, rn);
            else _b.Load(c, r, rn);
        }
    }

    /// <summary>A run of two to four lines (often across the pages' boundary), or whole pages.</summary>
    (ulong Addr, int Size) PagesLines()
    {
        if (Chance(30)) return WholePages();
        int line = PagesLine, lines = _rng.Next(2, 5);
        ulong first = Chance(50) ? Pages + PageBytes - (ulong)(line * _rng.Next(1, lines)) : Pages + (ulong)(line * _rng.Next(2 * PageBytes / line - lines));
        return (first, line * lines);
    }

    /// <summary>
    /// A read around line <paramref name="one"/> of [<paramref name="a"/>, + <paramref name="n"/>): that line, the line
    /// and the rest after it, all of it, or the word before the line and its first word (a run of one access's cells that
    /// starts on one side of the line's edge and crosses it).
    /// </summary>
    (ulong Addr, int Size) LineAndNeighbours(ulong a, int n, ulong one, int line) => _rng.Next(4) switch
    {
        0 => (one, line),
        1 => (one, (int)(a + (ulong)n - one)),
        2 => (a, n),
        _ => one > a ? (one - 8, 16) : (one, 16),
    };

    /// <summary>
    /// A cpu's store over several lines, a clean of one of them, a barrier and a doorbell, a clean of
    /// the whole store, then a device read of that line, of the store, or of a part: the line's first clean is ordered
    /// before the doorbell, its neighbours' is not.
    /// </summary>
    void CleanedTwice()
    {
        ushort c = Cpu, d = Dev;
        var (a, n) = PagesLines();
        int line = PagesLine;
        _b.Store(c, a, n);
        ulong one = a + (ulong)(line * _rng.Next(n / line));
        CleanLines(c, one, Chance(70) ? line : _rng.Next(1, line + 1));
        if (Chance(80)) _b.Barrier(c, Pick("wmb", "mb"));
        Doorbell(c, d);
        CleanLines(c, a, n);
        if (Chance(30)) { _b.Barrier(c, "mb"); Doorbell(c, d); }
        var (r, rn) = LineAndNeighbours(a, n, one, line);
        _b.DmaRead(d, r, rn);
    }

    /// <summary>
    /// A device's write over several lines, its completion taken by two cpus, an invalidation of one line by one
    /// cpu and of the whole write by the other, then a load by the first: its invalidation of that line
    /// stays with the line.
    /// </summary>
    void InvalidatedTwice()
    {
        ushort d = Dev, c1 = Cpu, c2 = OtherCpu(c1);
        var (a, n) = PagesLines();
        int line = PagesLine;
        _b.DmaWrite(d, a, n);
        _b.RaiseIrq(d);
        _b.TakeIrq(c1, d);
        if (c2 != c1) _b.TakeIrq(c2, d);
        ulong one = a + (ulong)(line * _rng.Next(n / line));
        if (Chance(80)) _b.CacheInval(c1, one, line);
        else _b.CacheFlush(c1, one, line);
        _b.CacheInval(c2, a, n);
        MaybeBarrier(c1);
        var (r, rn) = LineAndNeighbours(a, n, one, line);
        _b.Load(Chance(80) ? c1 : c2, r, rn);
    }

    /// <summary>
    /// Byte stores of several cpus into one word of the pages (often high up a page, then lower: the window grows down),
    /// a device write of part of it (the word spills past four cells), then a doorbell or a completion, and a read of
    /// the word or its neighbourhood.
    /// </summary>
    void ByteStoresInOneWord()
    {
        ushort c = Cpu, d = Dev;
        var (p, _) = PagesPart();
        ulong word = Math.Min(p & ~7ul, Pages + 2 * PageBytes - 8);
        var bytes = Enumerable.Range(0, 8).OrderBy(_ => _rng.Next()).Take(_rng.Next(4, 8)).ToList();
        foreach (int k in bytes)
        {
            ushort who = Chance(60) ? c : Cpu;
            _b.Store(who, word + (ulong)k, Chance(80) ? 1 : (int)Math.Min(2, 8 - k));
            if (Chance(30)) MaybeBarrier(who);
        }
        if (Chance(70)) _b.DmaWrite(d, word + (ulong)_rng.Next(8), 1);
        if (Chance(60)) { MaybeBarrier(c); Doorbell(c, d); }
        else { _b.RaiseIrq(d); _b.TakeIrq(c, d); }
        if (Chance(50)) _b.Store(c, word - Math.Min(word - Pages, 8ul * (ulong)_rng.Next(1, 4)), 8);
        ulong from = Chance(50) ? word : Math.Max(Pages, word - 8);
        int size = Chance(50) ? 8 : (int)Math.Min(24ul, Pages + 2 * PageBytes - from);
        if (Chance(50)) _b.DmaRead(d, from, size);
        else _b.Load(c, from, size);
    }
}
