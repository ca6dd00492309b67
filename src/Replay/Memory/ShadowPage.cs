using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Shadow state of one 4 KiB page, as <see cref="ShadowCell"/>s per 8-byte word: a word keeps a few cells,
/// each one access (column, agent, time) and the bytes it is the latest of its column for, so an 8-byte
/// access is one cell, not eight epochs. Every word of a page has the same number of inline cells (0, 1, 2
/// or 4: the page widens when one of its words needs more), so a word's cells sit at
/// <c>word × width</c> with no index. A word that needs more than four (bytes of one column with different
/// histories: byte stores by different events, several columns split) spills: its cells move to the page's
/// spill table (32 slots, one per byte and column at most) and its first inline cell is flagged.
/// A page is <em>uniform</em> (one word's cells stand for all 512) until an access covers part of it: a
/// page written, read or cleaned only by whole-page accesses (4 KiB DMA, page-sized copies) costs one word.
/// Cache marks sit beside the write cells they qualify, allocated on the first mark. The words with cells of their
/// own grow with the words written (<c>ShadowPage.Window.cs</c>): a window of up to 8 words, then the 8-word blocks
/// written, then the page. So a page touched in one word holds that word's cells, and one touched in two words far
/// apart two blocks' worth, not 512 words'.
/// </summary>
sealed partial class ShadowPage
{
    public const int Shift = 12, Size = 1 << Shift, Mask = Size - 1;
    /// <summary>Words per page.</summary>
    public const int Words = Size / 8;
    const int MaxInline = 4, SpillCells = 32;

    /// <summary>
    /// The end of [<paramref name="cursor"/>, <paramref name="end"/>) clipped to the page holding
    /// <paramref name="cursor"/>. Computed from the bytes left, not as the next page's address: on the
    /// last page of the 64-bit space that address wraps to 0, and a walk would restart at address 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ClipToPage(ulong cursor, ulong end)
    {
        ulong left = (ulong)Size - (cursor & Mask);
        return end - cursor > left ? cursor + left : end;
    }

    int _width;
    bool _uniform = true;
    ulong[] _cells = [];
    /// <summary>
    /// Per cell (parallel to the cells): for a cpu write, the local time of the first clean (or flush) of
    /// its bytes by its own cpu; for a device write, the cpus (bit = agent id mod 64) that invalidated its
    /// bytes hb-after it. Null until the page's first mark: most pages never see cache maintenance.
    /// </summary>
    ulong[]? _marks;
    // Word → its cells (32) then their marks (32).
    Dictionary<int, ulong[]>? _spill;

    /// <summary>Inline cells per word (0, 1, 2 or 4).</summary>
    public int Width => _width;

    /// <summary>True while one word's cells stand for every word of the page.</summary>
    public bool IsUniform => _uniform;

    /// <summary>Words whose cells spilled.</summary>
    public int SpilledWords => _spill?.Count ?? 0;

    /// <summary>True once a cache mark was set on this page.</summary>
    public bool HasCacheState => _marks is not null || _spill is not null;

    /// <summary>Bytes of shadow this page holds beyond its object (cells, marks, spills, values, releases).</summary>
    public long Footprint =>
        8L * (_cells.Length + (_marks?.Length ?? 0) + 2 * SpillCells * SpilledWords) +
        Values.Footprint + Releases.Footprint;

    /// <summary>The cells of word <paramref name="w"/> (empty at width 0 and for a word not held) and their marks (empty when none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Span<ulong> Cells(int w, out Span<ulong> marks)
    {
        int at = 0;
        if (!_uniform)
        {
            // A word not held (outside the window, in a block not held, or none yet) has no cells, as on an untouched page.
            int i = w - _lo;
            if ((uint)i >= (uint)_span && (_blocks == 0 || (i = WordIndex(w)) < 0))
            {
                marks = default;
                return default;
            }
            at = i * _width;
        }
        else if (_width == 0)
        {
            marks = default;
            return default;
        }
        if ((_cells[at] & ShadowCell.SpillFlag) != 0) return Spilled(w, out marks);
        marks = _marks is null ? default : _marks.AsSpan(at, _width);
        return _cells.AsSpan(at, _width);
    }

    Span<ulong> Spilled(int w, out Span<ulong> marks)
    {
        var block = _spill![w];
        marks = block.AsSpan(SpillCells, SpillCells);
        return block.AsSpan(0, SpillCells);
    }

    /// <summary>
    /// Gives every word its own cells (before an access covers part of the page): a page that holds an access
    /// replicates its word to all 512; a page that never held one (width 0) starts one cell wide with an empty window.
    /// </summary>
    void Materialize()
    {
        if (!_uniform) return;
        _uniform = false;
        if (_width == 0)
        {
            _width = 1;
            (_lo, _span) = (0, 0);
            return;
        }
        _cells = Replicate(_cells, _width);
        if (_marks is not null) _marks = Replicate(_marks, _width);
        (_lo, _span) = (0, Words);
    }

    static ulong[] Replicate(ulong[] word, int width)
    {
        var all = new ulong[Words * width];
        for (int w = 0; w < Words; w++) word.AsSpan(0, width).CopyTo(all.AsSpan(w * width));
        return all;
    }

    /// <summary>Makes room for one more cell in word <paramref name="w"/>: the page widens, or at four cells the word spills.</summary>
    void Widen(int w)
    {
        if (_width < MaxInline)
        {
            int width = _width == 0 ? 1 : _width * 2;
            int words = _uniform ? 1 : WordsHeld;
            _cells = Rewidth(_cells, words, _width, width);
            if (_marks is not null) _marks = Rewidth(_marks, words, _width, width);
            _width = width;
            return;
        }
        // A uniform page at four full cells cannot spill one word for all: callers materialize first.
        var block = new ulong[2 * SpillCells];
        int at = WordIndex(w) * _width;
        _cells.AsSpan(at, _width).CopyTo(block);
        _marks?.AsSpan(at, _width).CopyTo(block.AsSpan(SpillCells));
        _cells.AsSpan(at, _width).Clear();
        _marks?.AsSpan(at, _width).Clear();
        _cells[at] = ShadowCell.SpillFlag;
        (_spill ??= [])[w] = block;
    }

    static ulong[] Rewidth(ulong[] from, int words, int width, int newWidth)
    {
        var to = new ulong[words * newWidth];
        if (width == 0) return to;
        for (int w = 0; w < words; w++) from.AsSpan(w * width, width).CopyTo(to.AsSpan(w * newWidth));
        return to;
    }

    /// <summary>Gives the page its marks (before the first cache mark).</summary>
    void OwnMarks() => _marks ??= new ulong[_cells.Length];

    /// <summary>
    /// After an access that covered the whole page: when every word's cells are equal again (the page was
    /// rewritten in one run), keep one word for all.
    /// </summary>
    void TryCollapse()
    {
        // Only after an access over the whole page, so the window is the page.
        if (_uniform || _spill is not null || _width == 0 || _span != Words) return;
        var first = _cells.AsSpan(0, _width);
        for (int w = 1; w < Words; w++)
            if (!first.SequenceEqual(_cells.AsSpan(w * _width, _width))) return;
        if (_marks is not null)
        {
            var firstMarks = _marks.AsSpan(0, _width);
            for (int w = 1; w < Words; w++)
                if (!firstMarks.SequenceEqual(_marks.AsSpan(w * _width, _width))) return;
            _marks = firstMarks.ToArray();
        }
        _cells = first.ToArray();
        _uniform = true;
        (_lo, _span) = (0, 0);
    }

    /// <summary>
    /// The page every lookup that only reads gets for memory never written: no cells, no releases, no values.
    /// Shared and never written (write paths create their page).
    /// </summary>
    public static readonly ShadowPage Untouched = new();

    /// <summary>Sync bytes: arena handle of the release the last store published (0: none), for the sync bytes stored to.</summary>
    public PageColumn<int> Releases;

    /// <summary>
    /// Reconstructed contents of table bytes (only entries' values matter: the entry detectors compare a store's
    /// bytes with them), for the table bytes written; bytes never written read as zero.
    /// </summary>
    public PageColumn<byte> Values;

    /// <summary>Length of the run from <paramref name="k"/> to <paramref name="end"/> over which both columns keep their value at k (<see cref="ShadowRuns"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Run(ulong[] a, ulong[] b, int k, int end) => ShadowRuns.Length(a, b, k, end);

    /// <summary>Length of the run from <paramref name="k"/> over which the column keeps its value at k (<see cref="ShadowRuns"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Run<T>(T[] a, int k, int end) where T : struct, IEquatable<T> => ShadowRuns.Length<T>(a, k, end);
}
