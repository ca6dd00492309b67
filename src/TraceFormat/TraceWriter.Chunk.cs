using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

// The chunk being built: one growable buffer per column, encoded as events arrive.
public sealed partial class TraceWriter
{
    ByteColumn _kinds = null!, _agents = null!, _addressLengths = null!, _addresses = null!, _sizes = null!, _aux = null!, _sites = null!, _valueLengths = null!, _values = null!, _data = null!, _extensions = null!;
    int _smallValues, _addressCount;
    ulong[] _lastAddress = null!;
    int _count;
    long _firstIndex;
    byte[] _raw = [];
    byte[] _stored = [];
    readonly List<(long Offset, long First, int Count)> _index = [];

    int RawLength => FormatLayout.ColumnTableSize(_ctx.Version) + _count * (1 + _ctx.AgentWidth) + _addressLengths.Length + _addresses.Length
        + _sizes.Length + _aux.Length + _sites.Length + _valueLengths.Length + _values.Length + _data.Length + _extensions.Length;

    /// <summary>Events the fixed-bound columns have room for without a check per column.</summary>
    int _capacity;

    // Most bytes one event adds to each column (ids and operands are validated first, which bounds them),
    // plus the 8 bytes an unaligned 8-byte store may write past a column's end.
    const int MaxAddressBytes = Varint.MaxLength, MaxSizeBytes = 2, MaxAuxBytes = 5, MaxSiteBytes = 3, MaxValueBytes = 8;
    const int StoreSlack = 8;
    /// <summary>Raw bytes one event adds outside the data column, at most: bounds the chunk-size check.</summary>
    const int MaxFixedBytesPerEvent = 1 + 2 + 1 + MaxAddressBytes + MaxSizeBytes + MaxAuxBytes + MaxSiteBytes + 1 + MaxValueBytes + 1;

    void InitChunk()
    {
        _kinds = new(0);
        _agents = new(0);
        _addressLengths = new(0);
        _addresses = new(0);
        _sizes = new(0);
        _aux = new(0);
        _sites = new(0);
        _valueLengths = new(0);
        _values = new(0);
        _data = new(4096);
        _extensions = new(0);
        _lastAddress = new ulong[Math.Max(1, _ctx.AgentCount) * KindByte.AddressStreams];
        GrowColumns();
    }

    /// <summary>
    /// Makes room for twice the events (4096 at first, never more than a chunk holds) in every column but
    /// data: the append path then writes them without a capacity check per column.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    void GrowColumns()
    {
        int events = _capacity == 0 ? Math.Min(_chunkEvents, 4096) : (int)Math.Min(_chunkEvents, 2L * _capacity);
        _kinds.Reserve(events + StoreSlack);
        _agents.Reserve(events * 2 + StoreSlack);
        _addressLengths.Reserve(events / 2 + 1 + StoreSlack);
        _addresses.Reserve(events * MaxAddressBytes + StoreSlack);
        _sizes.Reserve(events * MaxSizeBytes + StoreSlack);
        _aux.Reserve(events * MaxAuxBytes + StoreSlack);
        _sites.Reserve(events * MaxSiteBytes + StoreSlack);
        _valueLengths.Reserve(events / 2 + 1 + StoreSlack);
        _values.Reserve(events * MaxValueBytes + StoreSlack);
        _extensions.Reserve(events + StoreSlack);
        _capacity = events;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void AddToChunk(in TraceEvent e, byte kb, int f, ReadOnlySpan<byte> data)
    {
        int n = _count;
        if (n == _capacity) GrowColumns();
        Unsafe.Add(ref _kinds.Start, n) = kb;
        // v3: a kind ≥ 15 is nibble 15 in the kind byte and kind − 15 in the extension column.
        if ((f & KindByte.IsExtended) != 0) Unsafe.Add(ref _extensions.Start, _extensions.Length++) = (byte)((int)e.Kind - FormatLayout.ExtendedNibble);
        if (_ctx.AgentWidth == 1) Unsafe.Add(ref _agents.Start, n) = (byte)e.Agent;
        else Unsafe.WriteUnaligned(ref Unsafe.Add(ref _agents.Start, 2 * n), BitConverter.IsLittleEndian ? e.Agent : BinaryPrimitives.ReverseEndianness(e.Agent));
        if ((f & KindByte.HasAddress) != 0)
        {
            // Delta from the previous address of the same agent in the same stream (memory, MMIO, entries):
            // each agent walks its own buffers and registers. The agent id is validated, so the slot exists.
            ref ulong last = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_lastAddress),
                e.Agent * KindByte.AddressStreams + ((f >> KindByte.SlotShift) & 3));
            ulong delta = Varint.ZigZag((long)(e.Address - last));
            if (_ctx.Version == 1)
            {
                var addresses = _addresses;
                addresses.Length += Varint.WriteUnchecked(ref Unsafe.Add(ref addresses.Start, addresses.Length), delta);
            }
            else
            {
                AddSignificantBytes(_addressLengths, _addresses, _addressCount++, delta);
            }
            last = e.Address;
            if (f >> KindByte.FixedSizeShift == 0)
            {
                var sizes = _sizes;
                sizes.Length += Varint.WriteUncheckedMostlySmall(ref Unsafe.Add(ref sizes.Start, sizes.Length), (ulong)e.Size);
            }
        }
        if ((f & KindByte.HasAux) != 0)
        {
            var aux = _aux;
            aux.Length += Varint.WriteUncheckedMostlySmall(ref Unsafe.Add(ref aux.Start, aux.Length), e.Aux);
        }
        if (e.Site >= 0)
        {
            var sites = _sites;
            sites.Length += Varint.WriteUncheckedMostlySmall(ref Unsafe.Add(ref sites.Start, sites.Length), (ulong)e.Site);
        }
        if (data.Length > SmallValueMax) _data.Bytes(data);
        else if (!data.IsEmpty) AddSignificantBytes(_valueLengths, _values, _smallValues++, SmallValue(data));
        _count = n + 1;
    }

    const int SmallValueMax = FormatLayout.SmallValueMaxSize;

    /// <summary>1..8 bytes as the little-endian value they spell (zero-extended): one load for the common sizes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong SmallValue(ReadOnlySpan<byte> data)
    {
        ref byte b = ref MemoryMarshal.GetReference(data);
        if (BitConverter.IsLittleEndian)
        {
            switch (data.Length)
            {
                case 8: return Unsafe.ReadUnaligned<ulong>(ref b);
                case 4: return Unsafe.ReadUnaligned<uint>(ref b);
                case 1: return b;
                case 2: return Unsafe.ReadUnaligned<ushort>(ref b);
            }
        }
        ulong v = 0;
        for (int i = data.Length - 1; i >= 0; i--) v = v << 8 | Unsafe.Add(ref b, i);
        return v;
    }

    /// <summary>
    /// A u64 (a 1..8-byte value, or a v2 address delta) as its significant bytes: a 4-bit count in the lengths
    /// column, two per byte, low nibble first; the bytes in the bytes column. The reader decodes it with one
    /// masked load or one shuffle (<see cref="SignificantBytes"/>), without the per-byte branches of a varint.
    /// <paramref name="k"/> is the value's number in its column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddSignificantBytes(ByteColumn lengths, ByteColumn values, int k, ulong v)
    {
        int n = (64 - BitOperations.LeadingZeroCount(v) + 7) >> 3;
        // Even count: a new byte (its high nibble 0 until the next value); odd: the high nibble of the last.
        if ((k & 1) == 0) Unsafe.Add(ref lengths.Start, lengths.Length++) = (byte)n;
        else Unsafe.Add(ref lengths.Start, lengths.Length - 1) |= (byte)(n << 4);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref values.Start, values.Length), BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v));
        values.Length += n;
    }

    /// <summary>
    /// True when the chunk has reached <see cref="FormatLayout.WriterChunkRawTarget"/> raw bytes. The exact
    /// sum of nine columns is taken only when a bound from the event count and data length allows it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool ChunkRawFull() =>
        FormatLayout.ColumnTableSize(_ctx.Version) + (long)_count * MaxFixedBytesPerEvent + _data.Length >= FormatLayout.WriterChunkRawTarget
        && RawLength >= FormatLayout.WriterChunkRawTarget;

    void FlushChunk()
    {
        // The reader refuses an index of more chunks: a trace past the cap would be written whole and then unreadable.
        if (_chunks == FormatLayout.MaxChunks) FormatThrow.TooManyChunks();
        int rawLength = AssembleRaw(ref _raw);
        int count = _count;
        long first = _firstIndex;
        _chunks++;
        _firstIndex += count;
        _count = 0;
        _kinds.Length = _agents.Length = _addressLengths.Length = _addresses.Length = _sizes.Length = _aux.Length = _sites.Length = _valueLengths.Length = _values.Length = _data.Length = _extensions.Length = 0;
        _smallValues = _addressCount = 0;
        Array.Clear(_lastAddress);
        EncodeAndWrite(_raw, rawLength, count, first);
    }

    /// <summary>Copies the column table and the columns, back to back, into <paramref name="raw"/> (grown as needed); returns the raw length.</summary>
    int AssembleRaw(ref byte[] raw)
    {
        _kinds.Length = _count;
        _agents.Length = _count * _ctx.AgentWidth;
        int rawLength = RawLength;
        if (raw.Length < rawLength) raw = new byte[Math.Max(rawLength, raw.Length * 2)];
        var span = raw.AsSpan(0, rawLength);
        // v1 has no address lengths column: its addresses are varints; v3 adds the extension kinds last.
        ReadOnlySpan<ByteColumn> variable = _ctx.Version switch
        {
            1 => [_addresses, _sizes, _aux, _sites, _valueLengths, _values, _data],
            2 => [_addressLengths, _addresses, _sizes, _aux, _sites, _valueLengths, _values, _data],
            _ => [_addressLengths, _addresses, _sizes, _aux, _sites, _valueLengths, _values, _data, _extensions],
        };
        int p = 0;
        foreach (var column in variable)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[p..], (uint)column.Length);
            p += 4;
        }
        foreach (var column in (ReadOnlySpan<ByteColumn>)[_kinds, _agents])
        {
            column.Span.CopyTo(span[p..]);
            p += column.Length;
        }
        foreach (var column in variable)
        {
            column.Span.CopyTo(span[p..]);
            p += column.Length;
        }
        return rawLength;
    }

    /// <summary>
    /// Compresses a raw payload (LZ4 once per chunk), checksums it (CRC-32C once per chunk), writes header and
    /// stored bytes, and records the index entry.
    /// </summary>
    void EncodeAndWrite(byte[] rawBuffer, int rawLength, int count, long first)
    {
        ReadOnlySpan<byte> raw = rawBuffer.AsSpan(0, rawLength);
        var codec = _codec;
        ReadOnlySpan<byte> stored = raw;
        if (codec == TraceCodec.Lz4)
        {
            int bound = Lz4Native.CompressBound(rawLength);
            if (_stored.Length < bound) _stored = new byte[Math.Max(bound, _stored.Length * 2)];
            int n = Lz4Native.Compress(raw, _stored);
            // Incompressible chunk: store it as is, the codec byte says so per chunk.
            if (n < rawLength) stored = _stored.AsSpan(0, n);
            else codec = TraceCodec.None;
        }

        Span<byte> h = stackalloc byte[FormatLayout.ChunkHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(h, FormatLayout.ChunkMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)count);
        BinaryPrimitives.WriteInt64LittleEndian(h[8..], first);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)rawLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)stored.Length);
        h[24] = (byte)codec;
        h[25] = h[26] = h[27] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], Crc32C.Compute(stored));
        BinaryPrimitives.WriteUInt32LittleEndian(h[32..], Crc32C.Compute(h[..FormatLayout.ChunkHeaderCrcOffset]));

        _index.Add((_position, first, count));
        WriteRaw(h);
        WriteRaw(stored);
    }

    void WriteFooter()
    {
        long indexOffset = _position;
        var block = new byte[4 + _index.Count * FormatLayout.IndexEntrySize];
        BinaryPrimitives.WriteUInt32LittleEndian(block, FormatLayout.IndexMagic);
        int p = 4;
        foreach (var (offset, first, count) in _index)
        {
            BinaryPrimitives.WriteInt64LittleEndian(block.AsSpan(p), offset);
            BinaryPrimitives.WriteInt64LittleEndian(block.AsSpan(p + 8), first);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(p + 16), (uint)count);
            p += FormatLayout.IndexEntrySize;
        }
        Span<byte> t = stackalloc byte[FormatLayout.TrailerSize];
        BinaryPrimitives.WriteUInt32LittleEndian(t, FormatLayout.TrailerMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(t[4..], (uint)_index.Count);
        BinaryPrimitives.WriteInt64LittleEndian(t[8..], indexOffset);
        BinaryPrimitives.WriteInt64LittleEndian(t[16..], EventCount);
        BinaryPrimitives.WriteUInt32LittleEndian(t[24..], Crc32C.Compute(block));
        BinaryPrimitives.WriteUInt32LittleEndian(t[28..], Crc32C.Compute(t[..28]));
        WriteRaw(block);
        WriteRaw(t);
    }
}
