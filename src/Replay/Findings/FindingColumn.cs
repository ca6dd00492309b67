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

    readonly List<T[]> _segments = [];
    long _count;

    /// <summary>Values held.</summary>
    public long Count => _count;

    /// <summary>Appends <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T value)
    {
        int at = (int)(_count & Mask);
        if (at == 0) _segments.Add(new T[SegmentSize]);
        _segments[^1][at] = value;
        _count++;
    }

    /// <summary>The value at <paramref name="index"/> (unchecked beyond the segment's bounds: callers index below <see cref="Count"/>).</summary>
    public T this[long index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _segments[(int)(index >> SegmentShift)][index & Mask];
    }

    /// <summary>Bytes the segments take (what a finding costs, for tests).</summary>
    public long Bytes => (long)_segments.Count * SegmentSize * Unsafe.SizeOf<T>();
}
