using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Bench.Refs;

/// <summary>
/// The lean bound's shadow memory: one cell per 8-byte word touched (FastTrack's last-write and last-read
/// epochs), in an open-addressing table keyed by word number, so memory follows the words touched.
/// An epoch packs (clock &lt;&lt; 16) | agent; 0 is "never accessed".
/// </summary>
sealed class LeanShadow
{
    [StructLayout(LayoutKind.Sequential)]
    public struct Cell
    {
        public ulong Key; // word number + 1; 0 = empty slot
        public ulong Write;
        public ulong Read;
    }

    Cell[] _cells = new Cell[1 << 16];
    int _used;

    /// <summary>The cell of word <paramref name="word"/> (address / 8), created empty on first touch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Cell Get(ulong word)
    {
        ulong key = word + 1;
        int mask = _cells.Length - 1;
        // Fibonacci hashing spreads the consecutive words of a buffer walk over the table.
        int i = (int)((key * 0x9E37_79B9_7F4A_7C15UL) >> 40) & mask;
        ref Cell c = ref MemoryMarshal.GetArrayDataReference(_cells);
        while (true)
        {
            ref Cell cell = ref Unsafe.Add(ref c, i);
            if (cell.Key == key) return ref cell;
            if (cell.Key == 0) return ref Insert(key, i);
            i = (i + 1) & mask;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    ref Cell Insert(ulong key, int slot)
    {
        if (2 * (_used + 1) > _cells.Length)
        {
            Grow();
            return ref Get(key - 1);
        }
        _used++;
        _cells[slot].Key = key;
        return ref _cells[slot];
    }

    void Grow()
    {
        var old = _cells;
        _cells = new Cell[old.Length * 2];
        int mask = _cells.Length - 1;
        foreach (var cell in old)
        {
            if (cell.Key == 0) continue;
            int i = (int)((cell.Key * 0x9E37_79B9_7F4A_7C15UL) >> 40) & mask;
            while (_cells[i].Key != 0) i = (i + 1) & mask;
            _cells[i] = cell;
        }
    }
}
