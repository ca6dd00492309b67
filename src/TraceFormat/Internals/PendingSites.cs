using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// A batch's site column, kept undecoded: replay never reads sites, reports read a few. The decoder hands
/// over the chunk's kind bytes (their has-site bit says which events have an entry) and site varints;
/// <see cref="DecodeInto"/> decodes and checks them when <see cref="EventBatch.Sites"/> is first read, with
/// the same byte offsets and messages an eager decode would give.
/// </summary>
sealed class PendingSites
{
    byte[] _kinds = [];
    byte[] _column = [];
    int _count, _columnLength, _columnAt, _siteCount;
    long _firstIndex;
    ChunkOrigin _origin;

    /// <summary>True when the batch's sites still wait in the site column.</summary>
    public bool IsPending { get; private set; }

    /// <summary>Copies a chunk's kind bytes and site column (padded for unchecked varint reads) and marks them pending.</summary>
    public void Keep(ReadOnlySpan<byte> kinds, ReadOnlySpan<byte> column, int columnAt, int siteCount, long firstIndex, in ChunkOrigin origin)
    {
        if (_kinds.Length < kinds.Length) _kinds = new byte[Math.Max(kinds.Length, 2 * _kinds.Length)];
        if (_column.Length < column.Length + Varint.Padding) _column = new byte[Math.Max(column.Length + Varint.Padding, 2 * _column.Length)];
        kinds.CopyTo(_kinds);
        column.CopyTo(_column);
        _column.AsSpan(column.Length, Varint.Padding).Clear();
        _count = kinds.Length;
        _columnLength = column.Length;
        _columnAt = columnAt;
        _siteCount = siteCount;
        _firstIndex = firstIndex;
        _origin = origin;
        IsPending = true;
    }

    /// <summary>Forgets the pending column (the batch was reset or filled another way).</summary>
    public void Drop() => IsPending = false;

    /// <summary>Decodes the pending sites into <paramref name="sites"/> (-1 where an event has none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DecodeInto(int[] sites)
    {
        if (sites.Length < _count) throw new ArgumentException("site array shorter than the batch", nameof(sites));
        ref byte kinds = ref MemoryMarshal.GetArrayDataReference(_kinds);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(_column);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(sites);
        int pos = 0, end = _columnLength;
        for (int i = 0; i < _count; i++)
        {
            if ((Unsafe.Add(ref kinds, i) & FormatLayout.HasSiteBit) == 0)
            {
                Unsafe.Add(ref dst, i) = -1;
                continue;
            }
            var (s, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, pos));
            pos += len;
            if (len == 0 || pos > end)
                _origin.Fail(_columnAt + pos - len, $"event {_firstIndex + i}: the site column ends inside a value or holds a malformed varint",
                    _column.AsSpan(pos - len, Math.Min(Varint.MaxLength, end - (pos - len))));
            if (s >= (ulong)_siteCount)
                _origin.Fail(_columnAt + pos - len, $"event {_firstIndex + i} names site {s}, but the trace interns {_siteCount} sites");
            Unsafe.Add(ref dst, i) = (int)s;
        }
        if (pos != end) _origin.Fail(_columnAt + pos, $"the site column has {end - pos} bytes no event uses");
        IsPending = false;
    }
}
