using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Findings;

/// <summary>
/// An append-only column of <typeparamref name="T"/> in segments of <see cref="SegmentSize"/> values: growing never
/// copies what it holds, so a store of 10^8 findings never holds its columns twice (a doubling array's last growth
/// would hold the old and the new array, 1.5 to 3 times the data, and put both on the large-object heap).
/// </summary>
sealed class FindingColumn<T> where T : unmanaged
{
    /// <summary>Values a segment holds: 4,096 (32 KiB of longs, below the large-object heap's threshold).</summary>
    public const int SegmentShift = 12;
    /// <summary>1 &lt;&lt; <see cref="SegmentShift"/>.</summary>
    public const int SegmentSize = 1 << SegmentShift;
    const int Mask = SegmentSize - 1;

    readonly List<T[]?> _segments = [];
    long _count;
    int _released;

    /// <summary>Values held.</summary>
    public long Count => _count;

    /// <summary>Appends <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T value)
    {
        int at = (int)(_count & Mask);
        if (at == 0) _segments.Add(new T[SegmentSize]);
        _segments[^1]![at] = value;
        _count++;
    }

    /// <summary>The value at <paramref name="index"/> (unchecked beyond the segment's bounds: callers index below <see cref="Count"/>).</summary>
    public T this[long index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _segments[(int)(index >> SegmentShift)]![index & Mask];
    }

    /// <summary>
    /// Lets go of the segments wholly below <paramref name="index"/> (all of them when it is <see cref="Count"/>), which must not be read again (a store moved to
    /// another gives its segments up as they are copied).
    /// </summary>
    public void ReleaseBelow(long index)
    {
        // At the end (index past the last value) the last segment goes too, however full.
        for (long end = (_released + 1L) << SegmentShift; (end <= index || index >= _count) && _released < _segments.Count; end += SegmentSize)
            _segments[_released++] = null;
    }

    /// <summary>Bytes the segments held take (what a finding costs, for tests).</summary>
    public long Bytes => (long)(_segments.Count - _released) * SegmentSize * Unsafe.SizeOf<T>();
}
