using System.Diagnostics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.HappensBefore;

namespace TraceTools.Replay.Memory;

sealed partial class ShadowPage
{
    /// <summary>
    /// Records an access of <paramref name="column"/> by the packed epoch <paramref name="at"/> to bytes
    /// [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of the page: per
    /// word its bytes leave the column's older cells and form one new cell (unmarked).
    /// </summary>
    /// <remarks>
    /// Each word first tries <see cref="CellPut.TryPut(ulong[], ulong[], int, int, ulong)"/> (one pass over its inline cells, no spans, the page's
    /// arrays and width read once per access); only a word that needs a split, a wider page or its spill
    /// table takes the general <see cref="Put"/>, after which the arrays are read again. One loop for every
    /// shape keeps one copy of the put in the code (three inlined copies made the method 5 KB). On a page of
    /// one cell per word, the whole words of the access are put in one pass (<see cref="WholeWords"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(AccessColumn column, ulong at, int offset, int length)
    {
        ulong cell = at | ShadowCell.ColumnKey(column);
        // The page's store bounds follow its cpu-store cells (a cpu with no bound has no cell here).
        if (column == AccessColumn.CpuWrite) Stores.Note((int)(at >> 32), (uint)at);
        if (length == Size && TryRecordUniform(column, cell)) return;
        if (_uniform) Materialize();
        int end = offset + length - 1, first = offset >> 3, last = end >> 3;
        Cover(first, last);
        // Word w's cells sit at (w − lo) × width: the access lies in one piece once covered.
        int lo = PieceBase(first);
        ulong[] cells = _cells;
        ulong[]? marks = _marks;
        int width = _width;
        // Read once: AggressiveOptimization compiles before the class is initialized, so no constant.
        bool vector = WordCells.Vectorized;
        // The words the access covers whole: [wholeFrom, wholeTo).
        int wholeFrom = (offset + 7) >> 3, wholeTo = (offset + length) >> 3;
        int w = first;
        while (w <= last)
        {
            // On a page of one cell per word, a run of whole words is one pass (WholeWords); it stops at a word
            // that declines, which the general path below puts (and which may widen the page).
            if (width == 1 && w >= wholeFrom && wholeTo - w >= 2)
            {
                w = lo + WholeWords.Put1(cells, marks, w - lo, wholeTo - lo, cell | ShadowCell.MaskBits, vector);
                if (w == wholeTo) continue;
            }
            int mask = ShadowCell.Bytes(w == first ? offset & 7 : 0, w == last ? (end & 7) + 1 : 8);
            if (!CellPut.TryPut(cells, marks, (w - lo) * width, width, cell | ((ulong)(uint)mask << ShadowCell.MaskShift), vector))
            {
                // The general path may widen the page or spill the word: its arrays change.
                Put(w, column, cell, mask);
                cells = _cells;
                marks = _marks;
                width = _width;
            }
            w++;
        }
        if (length == Size) TryCollapse();
    }

    /// <summary>
    /// <see cref="Record"/> of an access inside one word (<paramref name="offset"/> to
    /// <paramref name="offset"/> + <paramref name="length"/> within 8-byte alignment): on a page whose words
    /// have their own cells, one inlined <see cref="CellPut"/>; the general <see cref="Record"/> only when
    /// the put declines (a split, a wider page, a spill) or the page is still uniform.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RecordWord(AccessColumn column, ulong at, int offset, int length)
    {
        // As in Record (noting the same store twice when the put declines changes nothing).
        if (column == AccessColumn.CpuWrite) Stores.Note((int)(at >> 32), (uint)at);
        int width = _width;
        // A word held by a materialized page (width ≥ 1): in the window (one test), or in a block held; a uniform
        // page (span 0 and no blocks: new, or written by whole pages) and a word not held take Record.
        int i = (offset >> 3) - _lo;
        if ((uint)i < (uint)_span || (_blocks != 0 && (i = WordIndex(offset >> 3)) >= 0))
        {
            int b = offset & 7;
            ulong cell = at | ShadowCell.ColumnKey(column) | ((ulong)(uint)ShadowCell.Bytes(b, b + length) << ShadowCell.MaskShift);
            // Width 1 first (most pages): that put reads no vector switch (a static, behind a class-init check).
            if (width == 1 ? CellPut.TryPut1(_cells, _marks, i, cell) : CellPut.TryPut(_cells, _marks, i * width, width, cell)) return;
        }
        Record(column, at, offset, length);
    }

    /// <summary>A whole-page access on a uniform page: one word stands for all (false when it no longer can).</summary>
    bool TryRecordUniform(AccessColumn column, ulong cell)
    {
        if (!_uniform) return false;
        while (true)
        {
            var cells = Cells(0, out var marks);
            if (TryPut(cells, marks, column, cell, ShadowCell.FullMask)) return true;
            if (_width == MaxInline) return false;
            Widen(0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Put(int w, AccessColumn column, ulong cell, int mask)
    {
        while (true)
        {
            var cells = Cells(w, out var marks);
            if (TryPut(cells, marks, column, cell, mask)) return;
            Widen(w);
        }
    }

    /// <summary>Drops the bytes from the column's cells and stores the new cell in a free slot (false: none free; the drop is idempotent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool TryPut(Span<ulong> cells, Span<ulong> marks, AccessColumn column, ulong cell, int mask)
    {
        if (cells.IsEmpty) return false;
        // The common case: one cell of the column over exactly these bytes, replaced in place.
        ulong keep = ShadowCell.ColumnBits | ShadowCell.MaskBits;
        ulong want = ShadowCell.ColumnKey(column) | ((ulong)(uint)mask << ShadowCell.MaskShift);
        // (Other cells of the column hold other bytes: a column's masks in a word are disjoint.)
        if ((cells[0] & keep) == want)
        {
            cells[0] = cell | ((ulong)(uint)mask << ShadowCell.MaskShift);
            if (!marks.IsEmpty) marks[0] = 0;
            return true;
        }
        WordCells.Drop(cells, marks, column, mask);
        int slot = WordCells.Free(cells);
        if (slot < 0) return false;
        cells[slot] = cell | ((ulong)(uint)mask << ShadowCell.MaskShift);
        return true;
    }

    /// <summary>
    /// Cache maintenance by <paramref name="cpu"/> at its local time <paramref name="time"/> over bytes
    /// [<paramref name="offset"/>, + <paramref name="length"/>): a clean marks the bytes of the cpu's own
    /// latest stores with the first clean after them; an invalidation marks the bytes of device writes
    /// hb-before it. A cell whose bytes are marked only in part is split.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Mark(HbState hb, int cpu, uint time, bool clean, bool inval, int offset, int length)
    {
        if (_width == 0) return;
        if (length == Size && _uniform)
        {
            if (MarkWord(hb, cpu, time, clean, inval, 0, ShadowCell.FullMask, uniform: true)) return;
        }
        int first = offset >> 3, last = (offset + length - 1) >> 3;
        if (_uniform && !IsUnmarkable(hb, cpu, clean, inval)) Materialize();
        if (_uniform) return;
        int wholeFrom = (offset + 7) >> 3, wholeTo = (offset + length) >> 3;
        for (int w = first; w <= last; w++)
        {
            // Maintenance acts on whole lines, so on a page of one cell per word its range is a run of whole words.
            if (_width == 1 && w >= wholeFrom && wholeTo - w >= 2)
            {
                MarkWholeWords(hb, cpu, time, clean, inval, w, wholeTo);
                w = wholeTo - 1;
                continue;
            }
            int from = w == first ? offset & 7 : 0, to = w == last ? ((offset + length - 1) & 7) + 1 : 8;
            MarkWord(hb, cpu, time, clean, inval, w, ShadowCell.Bytes(from, to), uniform: false);
        }
        if (length == Size) TryCollapse();
    }

    /// <summary>True when a mark on this uniform page's word would change nothing (so a partial one need not materialize it).</summary>
    bool IsUnmarkable(HbState hb, int cpu, bool clean, bool inval)
    {
        var cells = Cells(0, out var marks);
        for (int i = 0; i < cells.Length; i++)
            if (Change(hb, cpu, clean, inval, cells, marks, i, ShadowCell.FullMask, out _) != 0) return false;
        return true;
    }

    /// <summary>
    /// Marks word <paramref name="w"/>'s bytes in <paramref name="range"/>. On a uniform page (word 0 for
    /// all) a split that finds no room returns false: the caller materializes and marks word by word
    /// (marks already set are not set again, so the retry is exact).
    /// </summary>
    bool MarkWord(HbState hb, int cpu, uint time, bool clean, bool inval, int w, int range, bool uniform)
    {
        Span<ulong> before = stackalloc ulong[SpillCells];
        var cells = Cells(w, out var marks);
        int n = cells.Length;
        cells.CopyTo(before);
        // Each cell stays at its slot while the word is marked: a split rewrites the cell in place and puts the marked
        // part in a free slot (one that held no cell when copied, so the loop skips it), and widening or spilling the
        // word keeps the slots' order. So cell i is found at slot i, and the cells are looked up again only after a
        // mark, which may have moved the word to another array. (A spilled word's lookup is a dictionary probe: asked
        // three times per cell, as it was, a 4 KiB clean of a page of byte stores took 100 µs; now about 20.)
        for (int i = 0; i < n; i++)
        {
            ulong c = before[i];
            if (c == 0) continue;
            Debug.Assert(cells[i] == c, "a mark moved a cell of its word");
            int m = Change(hb, cpu, clean, inval, cells, marks, i, range, out ulong mark);
            if (m == 0) continue;
            if (mark == 0) mark = time;
            if (!SetMark(w, i, m, mark, uniform)) return false;
            cells = Cells(w, out marks);
        }
        return true;
    }

    /// <summary>
    /// The bytes of cell <paramref name="i"/> (within <paramref name="range"/>) the maintenance marks, and the
    /// mark they get (0 for a clean: the caller puts the clean's time), or 0 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int Change(HbState hb, int cpu, bool clean, bool inval, ReadOnlySpan<ulong> cells, ReadOnlySpan<ulong> marks, int i, int range, out ulong mark)
    {
        mark = 0;
        ulong c = cells[i];
        if (c == 0 || (c & ShadowCell.SpillFlag) != 0) return 0;
        var column = ShadowCell.Column(c);
        if (column > AccessColumn.DevWrite) return 0;
        ulong old = marks.IsEmpty ? 0 : marks[i];
        if (column == AccessColumn.CpuWrite ? !clean || ShadowCell.Agent(c) != cpu || old != 0 : !inval) return 0;
        // Bytes where the other side wrote later are marked too: this cell is no longer their last write and
        // never becomes it again (only a newer write of its own side replaces the other side's), so nobody
        // reads their mark, and not splitting them keeps the cells few.
        int m = ShadowCell.Mask(c) & range;
        if (m == 0) return 0;
        if (column == AccessColumn.DevWrite)
        {
            ulong bit = 1UL << Shadow.CpuBit(cpu);
            if ((old & bit) != 0 || !hb.HbBefore(Epoch.From(ShadowCell.At(c)), cpu)) return 0;
            mark = old | bit;
        }
        return m;
    }

    /// <summary>Gives bytes <paramref name="m"/> of cell <paramref name="at"/> of word <paramref name="w"/> the mark, splitting the cell when they are only part of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool SetMark(int w, int at, int m, ulong mark, bool uniform)
    {
        OwnMarks();
        var cells = Cells(w, out var marks);
        ulong c = cells[at];
        if (m == ShadowCell.Mask(c))
        {
            marks[at] = mark;
            return true;
        }
        while (WordCells.Free(cells) < 0)
        {
            if (uniform && _width == MaxInline) return false;
            Widen(w);
            cells = Cells(w, out marks);
            at = cells.IndexOf(c);
        }
        int slot = WordCells.Free(cells);
        cells[at] = ShadowCell.WithMask(c, ShadowCell.Mask(c) & ~m);
        cells[slot] = ShadowCell.WithMask(c, m);
        marks[slot] = mark;
        return true;
    }
}
