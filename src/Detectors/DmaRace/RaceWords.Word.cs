using System.Runtime.CompilerServices;

namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// The single-word forms of <see cref="RaceWords"/>' questions and record: most accesses of a driver are at
/// most 8 bytes inside one word, and these take them without the run loop, its per-word byte masks and the
/// page-or-word dispatch of a run. Each answers exactly what its run form answers for a run inside one word
/// (<c>RaceWordsTests</c> runs both on the same accesses).
/// </summary>
partial struct RaceWords
{
    /// <summary>
    /// <see cref="LatestRacing"/> for [<paramref name="off"/>, <paramref name="end"/>), not empty and inside one word.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly long WordRacing<THb>(int off, int end, THb view, int agent, long other) where THb : IHbTimes, allows ref struct
    {
        if (!_partial) return ExtentsRacing(off, end, view, agent, other);
        ulong cell = CellAt(_cells!, off >> 3);
        if (cell == 0) return other;
        uint m = InWordMask(off, end);
        if ((cell & SpillFlag) != 0) return SpillRacing((int)cell, m, view, agent, other);
        return ((uint)(cell >> MaskShift) & m) != 0 ? Racing(cell, view, agent, other) : other;
    }

    /// <summary><see cref="Record"/> for [<paramref name="off"/>, <paramref name="end"/>), not empty and inside one word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RecordInWord(int off, int end, int agent, uint time)
    {
        if (!_partial)
        {
            if (RecordExtent(off, end, Cell(agent, time, 0xFF))) return;
            Materialize();
        }
        RecordWord(_cells!, off >> 3, InWordMask(off, end), agent, time);
    }

    /// <summary>The byte mask of [<paramref name="off"/>, <paramref name="end"/>) inside its one word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint InWordMask(int off, int end) => ((1u << (end - off)) - 1) << (off & 7);
}
