using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

sealed partial class ShadowPage
{
    // The window: words [_lo, _lo + _span) of a materialized page have cells of their own (at (w − _lo) × width); the
    // words outside it were never written and read as having none. Span 0 while the page is uniform, or materialized
    // before its first write. The window only grows (until a whole-page rewrite collapses the page), so a word's cells
    // and its spill flag stay where they are.
    int _lo, _span;

    /// <summary>Most words a window holds short of the whole page: 8 words, one cache line of cells at width 1.</summary>
    const int MaxWindow = 8;

    /// <summary>Words that have cells of their own (0 while the page is uniform).</summary>
    public int WindowWords => _span;

    /// <summary>
    /// Makes words [<paramref name="first"/>, <paramref name="last"/>] part of the window of a materialized page
    /// (<see cref="PageWindow.Grow"/>: past <see cref="MaxWindow"/> words the page), so a buffer written word by word
    /// up the page is copied at most four times, while a page written in one word holds one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Cover(int first, int last)
    {
        if (first >= _lo && last < _lo + _span) return;
        Regrow(first, last);
    }

    void Regrow(int first, int last)
    {
        // Past a cache line of cells the page is dense: all 512 words. Windows of 16 to 64 words, kept, cost the nine
        // detectors 1.1–1.3 % on the driver mix (interleaved pairs; its buffers fill their pages), and a page touched in
        // more than eight words pays at most 512 bytes of cells per word touched (at one cell a word).
        var (lo, hi) = PageWindow.Grow(_lo, _span, first, last + 1, Words, MaxWindow);
        _cells = Rewindow(_cells, lo, hi);
        if (_marks is not null) _marks = Rewindow(_marks, lo, hi);
        (_lo, _span) = (lo, hi - lo);
    }

    /// <summary>The page's cells (or marks) for the window [<paramref name="lo"/>, <paramref name="hi"/>), which holds the current one.</summary>
    ulong[] Rewindow(ulong[] from, int lo, int hi)
    {
        var to = new ulong[(hi - lo) * _width];
        if (_span != 0) from.AsSpan(0, _span * _width).CopyTo(to.AsSpan((_lo - lo) * _width));
        return to;
    }
}
