using System.Numerics;
using System.Runtime.CompilerServices;

namespace TraceTools.Detectors.DiscardedStore;

/// <summary>
/// Per cache line, the trace index of its last clean or flush, in groups of 64 consecutive lines: a clean of a
/// buffer sets a run of lines, and a dictionary entry per line cost a hash insert each (0.17 % of an
/// all-detector replay); here it is one lookup per group, none while the same group repeats.
/// </summary>
sealed class LastCleans(int lineSize)
{
    const int GroupLines = 64;

    readonly int _lineShift = BitOperations.Log2((uint)lineSize);
    readonly Dictionary<ulong, long[]> _groups = [];
    // The group touched last: a clean's lines and an invalidation's lines are mostly in one group.
    ulong _lastKey = ulong.MaxValue;
    long[]? _last;

    /// <summary>Notes a clean or flush of <paramref name="line"/> (its start address) at trace index <paramref name="index"/>.</summary>
    public void Set(ulong line, long index)
    {
        ulong n = line >> _lineShift;
        var group = Group(n >> 6, create: true)!;
        group[(int)(n & (GroupLines - 1))] = index + 1;
    }

    /// <summary>Trace index of the last clean or flush of <paramref name="line"/>, or -1 when none.</summary>
    public long Get(ulong line)
    {
        ulong n = line >> _lineShift;
        var group = Group(n >> 6, create: false);
        return group is null ? -1 : group[(int)(n & (GroupLines - 1))] - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    long[]? Group(ulong key, bool create)
    {
        if (key == _lastKey) return _last;
        if (!_groups.TryGetValue(key, out var group))
        {
            if (!create) return null;
            _groups[key] = group = new long[GroupLines];
        }
        _lastKey = key;
        _last = group;
        return group;
    }
}
