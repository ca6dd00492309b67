using System.Buffers.Binary;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

// The chunk being built: one growable buffer per column, encoded as events arrive.
public sealed partial class TraceWriter
{
    ByteColumn _kinds = null!, _agents = null!, _addresses = null!, _sizes = null!, _aux = null!, _sites = null!, _valueLengths = null!, _values = null!, _data = null!;
    int _smallValues;
    ulong[] _lastAddress = null!;
    int _count;
    long _firstIndex;
    byte[] _raw = [];
    byte[] _stored = [];
    readonly List<(long Offset, long First, int Count)> _index = [];

    int RawLength => FormatLayout.ColumnTableSize + _kinds.Length + _agents.Length + _addresses.Length
        + _sizes.Length + _aux.Length + _sites.Length + _valueLengths.Length + _values.Length + _data.Length;

    void InitChunk()
    {
        int n = Math.Min(_chunkEvents, 4096);
        _kinds = new(n);
        _agents = new(n * _ctx.AgentWidth);
        _addresses = new(n * 2);
        _sizes = new(256);
        _aux = new(256);
        _sites = new(256);
        _valueLengths = new(n / 2 + 1);
        _values = new(n * 2);
        _data = new(4096);
        _lastAddress = new ulong[Math.Max(1, _ctx.AgentCount) * KindByte.AddressStreams];
    }

    void AddToChunk(in TraceEvent e, byte kb, int f, ReadOnlySpan<byte> data)
    {
        _kinds.Ensure(1);
        _kinds.Buffer[_kinds.Length++] = kb;
        _agents.Ensure(2);
        if (_ctx.AgentWidth == 1)
        {
            _agents.Buffer[_agents.Length++] = (byte)e.Agent;
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_agents.Buffer.AsSpan(_agents.Length), e.Agent);
            _agents.Length += 2;
        }
        if ((f & KindByte.HasAddress) != 0)
        {
            // Delta from the previous address of the same agent in the same stream (memory, MMIO, entries):
            // each agent walks its own buffers and registers.
            ref ulong last = ref _lastAddress[e.Agent * KindByte.AddressStreams + ((f >> KindByte.SlotShift) & 3)];
            _addresses.Varint(Varint.ZigZag((long)(e.Address - last)));
            last = e.Address;
            if (f >> KindByte.FixedSizeShift == 0) _sizes.Varint((ulong)e.Size);
        }
        if ((f & KindByte.HasAux) != 0) _aux.Varint(e.Aux);
        if (e.Site >= 0) _sites.Varint((ulong)e.Site);
        if (data.Length > SmallValueMax) _data.Bytes(data);
        else if (!data.IsEmpty) AddSmallValue(SmallValue(data));
        _count++;
    }

    const int SmallValueMax = FormatLayout.SmallValueMaxSize;

    /// <summary>1..8 bytes as the little-endian value they spell (zero-extended).</summary>
    static ulong SmallValue(ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[8];
        word.Clear();
        data.CopyTo(word);
        return BinaryPrimitives.ReadUInt64LittleEndian(word);
    }

    /// <summary>
    /// A 1..8-byte value as its significant bytes (a 4-bit count in the lengths column, two per byte, low
    /// nibble first; the bytes in the values column): decoded by one masked 8-byte load, without the
    /// per-byte branches of a varint.
    /// </summary>
    void AddSmallValue(ulong v)
    {
        int n = (64 - System.Numerics.BitOperations.LeadingZeroCount(v) + 7) >> 3;
        if ((_smallValues & 1) == 0)
        {
            _valueLengths.Ensure(1);
            _valueLengths.Buffer[_valueLengths.Length++] = (byte)n;
        }
        else
        {
            _valueLengths.Buffer[_valueLengths.Length - 1] |= (byte)(n << 4);
        }
        _smallValues++;
        _values.Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_values.Buffer.AsSpan(_values.Length), v);
        _values.Length += n;
    }

    void FlushChunk()
    {
        int rawLength = RawLength;
        if (_raw.Length < rawLength) _raw = new byte[Math.Max(rawLength, _raw.Length * 2)];
        var raw = _raw.AsSpan(0, rawLength);
        BinaryPrimitives.WriteUInt32LittleEndian(raw, (uint)_addresses.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(raw[4..], (uint)_sizes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(raw[8..], (uint)_aux.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(raw[12..], (uint)_sites.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(raw[16..], (uint)_valueLengths.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(raw[20..], (uint)_values.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(raw[24..], (uint)_data.Length);
        int p = FormatLayout.ColumnTableSize;
        foreach (var column in (ReadOnlySpan<ByteColumn>)[_kinds, _agents, _addresses, _sizes, _aux, _sites, _valueLengths, _values, _data])
        {
            column.Span.CopyTo(raw[p..]);
            p += column.Length;
        }

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
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)_count);
        BinaryPrimitives.WriteInt64LittleEndian(h[8..], _firstIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)rawLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)stored.Length);
        h[24] = (byte)codec;
        h[25] = h[26] = h[27] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], Crc32C.Compute(stored));
        BinaryPrimitives.WriteUInt32LittleEndian(h[32..], Crc32C.Compute(h[..FormatLayout.ChunkHeaderCrcOffset]));

        _index.Add((_position, _firstIndex, _count));
        WriteRaw(h);
        WriteRaw(stored);

        _firstIndex += _count;
        _count = 0;
        _kinds.Length = _agents.Length = _addresses.Length = _sizes.Length = _aux.Length = _sites.Length = _valueLengths.Length = _values.Length = _data.Length = 0;
        _smallValues = 0;
        Array.Clear(_lastAddress);
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
