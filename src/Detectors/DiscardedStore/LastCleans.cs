using System.Numerics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;

namespace TraceTools.Detectors.DiscardedStore;

/// <summary>
/// Per cache line, the trace index of its last clean or flush, in groups of 64 consecutive lines found through the
/// engine's <see cref="PageMap{TPage}"/>: a clean of a buffer sets a run of lines, and a dictionary entry per line
/// cost a hash insert each (0.17 % of an all-detector replay); here a group's lookup is mostly one cached line.
/// </summary>
sealed class LastCleans(int lineSize)
{
    const int GroupLines = 64;

    /// <summary>64 lines' last clean, trace index + 1 (0: none), inline in the group object.</summary>
    [InlineArray(GroupLines)]
    struct Indexes
    {
        long _first;
    }

    sealed class Group
    {
        public Indexes Lines;
    }

    readonly int _lineShift = BitOperations.Log2((uint)lineSize);
    readonly PageMap<Group> _groups = new();

    /// <summary>Notes a clean or flush of <paramref name="line"/> (its start address) at trace index <paramref name="index"/>.</summary>
    public void Set(ulong line, long index)
    {
        ulong n = line >> _lineShift;
        _groups.Get(n / GroupLines).Lines[(int)(n % GroupLines)] = index + 1;
    }

    /// <summary>Trace index of the last clean or flush of <paramref name="line"/>, or -1 when none.</summary>
    public long Get(ulong line)
    {
        ulong n = line >> _lineShift;
        return _groups.Find(n / GroupLines) is { } group ? group.Lines[(int)(n % GroupLines)] - 1 : -1;
    }
}
