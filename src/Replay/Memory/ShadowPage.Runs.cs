using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay.Memory;

sealed partial class ShadowPage
{
    /// <summary>Read-only cells of word <paramref name="w"/> and their marks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    ReadOnlySpan<ulong> CellsOf(int w, out ReadOnlySpan<ulong> marks)
    {
        var cells = Cells(w, out var m);
        marks = m;
        return cells;
    }

    /// <summary>
    /// The latest access of <paramref name="column"/> to byte <paramref name="k"/> of the page (packed epoch,
    /// 0 = none) with its cache mark, and the length of the run from k to <paramref name="stop"/> over which
    /// the column keeps that access and mark. Runs end at most where the cell ends; two cells of one access
    /// with equal marks may end a run early, which only splits what callers judge per run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Run(AccessColumn column, int k, int stop, out ulong at, out ulong mark)
    {
        int b = k & 7;
        var cells = CellsOf(k >> 3, out var marks);
        int held = Held(cells, marks, column, b, out at, out mark);
        int n = BitOperations.TrailingZeroCount(~(held >> b));
        int j = k + n;
        if (j >= stop) return stop - k;
        if (b + n < 8) return n;
        // The run reached the end of the word: continue over the next words while they hold the same access.
        if (_uniform && SameFrom(cells, marks, column, at, mark) == ShadowCell.FullMask) return stop - k;
        // A word equal to one the run covered whole is skipped with one compare (see WriterRun).
        var whole = b == 0 ? cells : default;
        var wholeMarks = b == 0 ? marks : default;
        while (j < stop)
        {
            cells = CellsOf(j >> 3, out marks);
            if (!whole.IsEmpty && SameWord(cells, marks, whole, wholeMarks))
            {
                j += 8;
                continue;
            }
            int same = BitOperations.TrailingZeroCount(~SameFrom(cells, marks, column, at, mark));
            j += same;
            if (same < 8) break;
            whole = cells;
            wholeMarks = marks;
        }
        return Math.Min(j, stop) - k;
    }

    /// <summary>The bytes of a word where <paramref name="column"/> holds <paramref name="at"/> with <paramref name="mark"/> (none: bytes it does not hold).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int SameFrom(ReadOnlySpan<ulong> cells, ReadOnlySpan<ulong> marks, AccessColumn column, ulong at, ulong mark)
    {
        if (cells.IsEmpty) return at == 0 ? ShadowCell.FullMask : 0;
        if (at == 0) return ~WordCells.Union(cells, column) & ShadowCell.FullMask;
        int i = WordCells.Holding(cells, column, 0);
        if (i < 0 || ShadowCell.At(cells[i]) != at || (marks.IsEmpty ? 0 : marks[i]) != mark) return 0;
        return ShadowCell.Mask(cells[i]);
    }

    /// <summary>The latest access of <paramref name="column"/> to byte <paramref name="k"/> (packed epoch, 0 = none).</summary>
    public ulong At(AccessColumn column, int k) => Run(column, k, k + 1, out ulong at, out _) > 0 ? at : 0;

    /// <summary>Writes the latest access of <paramref name="column"/> per byte of the page into <paramref name="bytes"/> (<see cref="Size"/> long).</summary>
    public void Expand(AccessColumn column, Span<ulong> bytes)
    {
        bytes.Clear();
        for (int w = 0; w < Words; w++)
        {
            foreach (ulong c in CellsOf(w, out _))
            {
                if (c == 0 || ShadowCell.Column(c) != column) continue;
                for (int m = ShadowCell.Mask(c); m != 0; m &= m - 1) bytes[w * 8 + BitOperations.TrailingZeroCount(m)] = ShadowCell.At(c);
            }
        }
    }

    /// <summary>
    /// Adds the local time of every cpu store of <paramref name="cpu"/> that is still some byte's last cpu store
    /// (in no order, with repeats; a store over several words is added once per run of its words).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddStoreTimes(int cpu, List<uint> times)
    {
        // Most pages are stored to by one cpu, or by none (DMA buffers a device fills): no cell to scan for.
        if (!Stores.MayHold(cpu)) return;
        ulong key = ShadowCell.ColumnKey(AccessColumn.CpuWrite);
        uint last = 0;
        AddTimes(_cells, cpu, key, times, ref last);
        if (_spill is not null)
            foreach (var block in _spill.Values) AddTimes(block.AsSpan(0, SpillCells), cpu, key, times, ref last);
    }

    static void AddTimes(ReadOnlySpan<ulong> cells, int cpu, ulong key, List<uint> times, ref uint last)
    {
        int i = 0;
        // Four cells at a time skip those that cannot be the cpu's stores (column, spill flag and agent fields, not
        // empty): a page another agent wrote in every word but one is 512 cells to pass over (edge-log compaction
        // reads every page the cpu stored to since its last one).
        if (WordCells.Vectorized && cells.Length >= 8)
        {
            var select = Vector256.Create(ShadowCell.ColumnBits | ShadowCell.SpillFlag | AgentBits);
            var want = Vector256.Create(key | ((ulong)(uint)cpu << 32));
            ref ulong first = ref MemoryMarshal.GetReference(cells);
            for (; i <= cells.Length - 4; i += 4)
            {
                var c = Vector256.LoadUnsafe(ref first, (nuint)i);
                if ((Vector256.Equals(c & select, want) & ~Vector256.Equals(c, Vector256<ulong>.Zero)) == Vector256<ulong>.Zero) continue;
                for (int j = i; j < i + 4; j++) AddTime(cells[j], cpu, key, times, ref last);
            }
        }
        for (; i < cells.Length; i++) AddTime(cells[i], cpu, key, times, ref last);
    }

    /// <summary>The agent field of a cell (bits 32-47), in place.</summary>
    const ulong AgentBits = 0xFFFFUL << 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddTime(ulong c, int cpu, ulong key, List<uint> times, ref uint last)
    {
        // The same store on the word before adds nothing: the caller keeps each time once anyway.
        if (c == 0 || (c & (ShadowCell.ColumnBits | ShadowCell.SpillFlag)) != key || ShadowCell.Agent(c) != cpu) return;
        uint t = ShadowCell.Time(c);
        if (t == last) return;
        times.Add(t);
        last = t;
    }
}
