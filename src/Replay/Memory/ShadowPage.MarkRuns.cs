using System.Runtime.CompilerServices;
using TraceTools.Replay.HappensBefore;

namespace TraceTools.Replay.Memory;

sealed partial class ShadowPage
{
    /// <summary>
    /// Cache maintenance over whole words [<paramref name="from"/>, <paramref name="to"/>) of a materialized page
    /// of one cell per word: per word what <see cref="MarkWord"/> does, in one loop. The word's one cell lies
    /// inside the range, so a mark never splits it (the page stays one cell wide), and a word holding the same cell
    /// and mark as the word before gets that word's answer without asking again (a buffer written by one access
    /// asks the hb question once, not once per word).
    /// </summary>
    void MarkWholeWords(HbState hb, int cpu, uint time, bool clean, bool inval, int from, int to)
    {
        if (_blocks == 0)
        {
            // Words outside the window have no cell to mark.
            MarkPiece(hb, cpu, time, clean, inval, Math.Max(from, _lo), Math.Min(to, _lo + _span), _lo);
            return;
        }
        // In blocks, piece by piece: a block not held has no cell to mark.
        for (int w = from; w < to;)
        {
            int i = WordIndex(w);
            if (i < 0)
            {
                w = (w / BlockWords + 1) * BlockWords;
                continue;
            }
            int end = Math.Min(to, PieceEnd(w));
            MarkPiece(hb, cpu, time, clean, inval, w, end, w - i);
            w = end;
        }
    }

    /// <summary><see cref="MarkWholeWords"/> over words [<paramref name="from"/>, <paramref name="to"/>) of one piece, word w's cell at w − <paramref name="lo"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void MarkPiece(HbState hb, int cpu, uint time, bool clean, bool inval, int from, int to, int lo)
    {
        ulong[] cells = _cells;
        ulong[]? marks = _marks;
        // The previous word's cell, mark before and mark after (cell 0: none yet; a free cell is never marked).
        ulong lastCell = 0, lastOld = 0, lastNew = 0;
        for (int w = from; w < to; w++)
        {
            ulong c = cells[w - lo];
            if (c == 0) continue;
            ulong old = marks is null ? 0 : marks[w - lo], mark;
            if (c == lastCell && old == lastOld) mark = lastNew;
            else
            {
                int m = Change(hb, cpu, clean, inval, cells.AsSpan(w - lo, 1), marks is null ? default : marks.AsSpan(w - lo, 1), 0, ShadowCell.FullMask, out mark);
                // As MarkWord: a clean's mark is its time; no bytes marked leaves the mark as it was.
                mark = m == 0 ? old : mark == 0 ? time : mark;
                (lastCell, lastOld, lastNew) = (c, old, mark);
            }
            if (mark == old) continue;
            if (marks is null)
            {
                OwnMarks();
                marks = _marks!;
            }
            marks[w - lo] = mark;
        }
    }
}
