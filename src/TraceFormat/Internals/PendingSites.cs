using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// A batch's site column, kept undecoded: replay never reads sites, reports read a few. The decoder hands
/// over the payload it decoded (the batch's data buffer now), where the chunk's kind bytes (their has-site bit
/// says which events have an entry) and site varints are;
/// <see cref="DecodeInto"/> decodes and checks them when <see cref="EventBatch.Sites"/> is first read, with
/// the same byte offsets and messages an eager decode would give.
/// </summary>
sealed class PendingSites
{
    byte[] _payload = [];
    int _kindsAt, _count, _columnAt, _columnEnd, _siteCount;
    long _firstIndex;
    ChunkOrigin _origin;

    /// <summary>True when the batch's sites still wait in the site column.</summary>
    public bool IsPending { get; private set; }

    /// <summary>
    /// Marks the site column of a decoded payload pending: the buffer is the batch's data buffer (padded for
    /// unchecked varint reads), which nothing writes while the batch holds it, so nothing is copied.
    /// </summary>
    public void Keep(byte[] payload, int kindsAt, int count, int columnAt, int columnEnd, int siteCount, long firstIndex, in ChunkOrigin origin)
    {
        if (columnEnd + Varint.Padding > payload.Length || kindsAt + count > payload.Length) FormatThrow.Argument("payload shorter than its columns and padding", nameof(payload));
        _payload = payload;
        _kindsAt = kindsAt;
        _count = count;
        _columnAt = columnAt;
        _columnEnd = columnEnd;
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
        if (sites.Length < _count) FormatThrow.Argument("site array shorter than the batch", nameof(sites));
        ref byte kinds = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_payload), _kindsAt);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(_payload);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(sites);
        int pos = _columnAt, end = _columnEnd;
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
                _origin.Fail(pos - len, $"event {_firstIndex + i}: the site column ends inside a value or holds a malformed varint",
                    _payload.AsSpan(pos - len, Math.Min(Varint.MaxLength, end - (pos - len))));
            if (s >= (ulong)_siteCount)
                _origin.Fail(pos - len, $"event {_firstIndex + i} names site {s}, but the trace interns {_siteCount} sites");
            Unsafe.Add(ref dst, i) = (int)s;
        }
        if (pos != end) _origin.Fail(pos, $"the site column has {end - pos} bytes no event uses");
        IsPending = false;
    }
}
