using System.Numerics;
using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

sealed partial class ShadowPage
{
    // Which words of a materialized page have cells of their own, in one of three forms, as a PageColumn's bytes:
    // - the window: words [_lo, _lo + _span), word w's cells at (w − _lo) × width, while they span at most MaxWindow;
    // - blocks: the 8-word blocks in _blocks (bit b: words 8b to 8b + 7), in address order, so a held block's words
    //   sit at (slot × 8 + w mod 8) × width where slot counts the held blocks below it, up to MaxBlocks of them;
    // - the page: the window [0, Words).
    // A word not held was never written and reads as having no cells. Span 0 and no blocks while the page is uniform, or
    // materialized before its first write. What is held only grows (until a whole-page rewrite collapses the page), and
    // a word's cells keep their order and its spill flag when the form changes.
    int _lo, _span;
    ulong _blocks;

    /// <summary>Most words a window holds before the page takes blocks: 8 words, one cache line of cells at width 1.</summary>
    const int MaxWindow = 8;

    /// <summary>Words of a block: a cache line of cells at width 1, as the window's most.</summary>
    const int BlockWords = 8;

    /// <summary>
    /// Most blocks held before the page takes all 512 words: a quarter of the page (1 KiB of cells at width 1, against 4
    /// KiB). Blocks are added one array copy at a time, so a page written block by block up to here has allocated about
    /// two pages' worth in all (2 + 3 + … + 16 blocks), once; a page held in few blocks saves the rest for good.
    /// </summary>
    const int MaxBlocks = 16;

    /// <summary>Words in the window (0 while the page is uniform or in blocks; <see cref="Words"/>: the whole page).</summary>
    public int WindowWords => _span;

    /// <summary>Blocks of 8 words held while the page is in blocks (0 in the other forms).</summary>
    public int BlocksHeld => BitOperations.PopCount(_blocks);

    /// <summary>Words with cells of their own, in any form (0 while the page is uniform).</summary>
    int WordsHeld => _span + BlockWords * BitOperations.PopCount(_blocks);

    /// <summary>
    /// Makes words [<paramref name="first"/>, <paramref name="last"/>] held by a materialized page: the window grows
    /// (<see cref="PageWindow.Grow"/>), past <see cref="MaxWindow"/> words the blocks written are held, past
    /// <see cref="MaxBlocks"/> the page. So a buffer written word by word up the page is copied a few times per block,
    /// a page written in one word holds one, and one written in two words far apart holds two blocks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Cover(int first, int last)
    {
        if (first >= _lo && last < _lo + _span) return;
        // In blocks the window is empty: a range in blocks held needs no call.
        if (_blocks != 0 && (BlockSpan(first, last) & ~_blocks) == 0) return;
        Regrow(first, last);
    }

    void Regrow(int first, int last)
    {
        ulong need = BlockSpan(first, last);
        if (_blocks != 0)
        {
            Rehold(_blocks | need);
            return;
        }
        // Past a cache line of cells the window takes blocks. Windows of 16 to 64 words, kept, cost the nine detectors
        // 1.1–1.3 % on the driver mix (interleaved pairs; its buffers fill their pages).
        var (lo, hi) = PageWindow.Grow(_lo, _span, first, last + 1, Words, MaxWindow);
        if (hi - lo < Words)
        {
            _cells = Rewindow(_cells, lo, hi);
            if (_marks is not null) _marks = Rewindow(_marks, lo, hi);
            (_lo, _span) = (lo, hi - lo);
            return;
        }
        Rehold(_span == 0 ? need : need | BlockSpan(_lo, _lo + _span - 1));
    }

    /// <summary>The page's cells (or marks) for the window [<paramref name="lo"/>, <paramref name="hi"/>), which holds the current one.</summary>
    ulong[] Rewindow(ulong[] from, int lo, int hi)
    {
        var to = new ulong[(hi - lo) * _width];
        if (_span != 0) from.AsSpan(0, _span * _width).CopyTo(to.AsSpan((_lo - lo) * _width));
        return to;
    }

    /// <summary>Holds the blocks <paramref name="blocks"/> (a superset of those held), or the page when they are more than <see cref="MaxBlocks"/>.</summary>
    void Rehold(ulong blocks)
    {
        bool page = BitOperations.PopCount(blocks) > MaxBlocks;
        _cells = Relayout(_cells, blocks, page);
        if (_marks is not null) _marks = Relayout(_marks, blocks, page);
        (_lo, _span, _blocks) = page ? (0, Words, 0UL) : (0, 0, blocks);
    }

    /// <summary>
    /// The page's cells (or marks) moved to the blocks <paramref name="blocks"/>, or to the page: each word held now
    /// (the window's, or the blocks') to its place in the new form.
    /// </summary>
    ulong[] Relayout(ulong[] from, ulong blocks, bool page)
    {
        int width = _width;
        var to = new ulong[(page ? Words : BlockWords * BitOperations.PopCount(blocks)) * width];
        if (_blocks == 0)
        {
            // From the window: one run of words, which stays one in the new form (its blocks are adjacent, so are their slots).
            if (_span != 0) from.AsSpan(0, _span * width).CopyTo(to.AsSpan(At(_lo, blocks, page) * width));
            return to;
        }
        for (ulong held = _blocks; held != 0; held &= held - 1)
        {
            int w = BitOperations.TrailingZeroCount(held) * BlockWords;
            from.AsSpan(BlockIndex(w, _blocks) * width, BlockWords * width).CopyTo(to.AsSpan(At(w, blocks, page) * width));
        }
        return to;
    }

    static int At(int w, ulong blocks, bool page) => page ? w : BlockIndex(w, blocks);

    /// <summary>The blocks words [<paramref name="first"/>, <paramref name="last"/>] lie in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong BlockSpan(int first, int last)
    {
        int from = first / BlockWords, n = last / BlockWords - from + 1;
        return (n == 64 ? ulong.MaxValue : (1UL << n) - 1) << from;
    }

    /// <summary>Index of word <paramref name="w"/> among the words of <paramref name="blocks"/>, its block held.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int BlockIndex(int w, ulong blocks) =>
        BitOperations.PopCount(blocks & ((1UL << (w / BlockWords)) - 1)) * BlockWords + (w & (BlockWords - 1));

    /// <summary>Index of held word <paramref name="w"/> in the cells (in words), or −1 when the page holds no cells for it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int WordIndex(int w)
    {
        int i = w - _lo;
        if ((uint)i < (uint)_span) return i;
        return _blocks != 0 && (_blocks & (1UL << (w / BlockWords))) != 0 ? BlockIndex(w, _blocks) : -1;
    }

    /// <summary>
    /// The base of the piece holding word <paramref name="w"/> (held): word x of the same piece has its cells at
    /// (x − base) × width. A window and the page are one piece; in blocks, a run of adjacent held blocks is one
    /// (their slots are adjacent too), so after <see cref="Cover"/> a range lies in one piece.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int PieceBase(int w) => _blocks == 0 ? _lo : w - BlockIndex(w, _blocks);

    /// <summary>The end (exclusive word) of the piece holding word <paramref name="w"/> (held).</summary>
    int PieceEnd(int w)
    {
        if (_blocks == 0) return _lo + _span;
        int b = w / BlockWords;
        return (b + BitOperations.TrailingZeroCount(~(_blocks >> b))) * BlockWords;
    }
}
