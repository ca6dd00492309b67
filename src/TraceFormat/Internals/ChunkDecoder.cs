using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>Where a chunk's raw payload came from, for error messages.</summary>
/// <param name="File">File name as given.</param>
/// <param name="ChunkIndex">Chunk number, 0-based.</param>
/// <param name="PayloadOffset">File offset of the stored payload.</param>
/// <param name="Stored">True when raw offsets map 1:1 to file offsets (codec none).</param>
readonly record struct ChunkOrigin(string File, long ChunkIndex, long PayloadOffset, bool Stored)
{
    /// <summary>Throws for a problem at raw payload offset <paramref name="rawOffset"/>.</summary>
    [DoesNotReturn]
    public void Fail(int rawOffset, string problem, ReadOnlySpan<byte> bytes = default)
    {
        if (Stored) FormatThrow.Format(File, PayloadOffset + rawOffset, ChunkIndex, problem, bytes);
        FormatThrow.Format(File, PayloadOffset, ChunkIndex, $"decoded payload byte {rawOffset}: {problem}", bytes);
    }
}

/// <summary>The column table of a raw payload: where each column starts and ends.</summary>
[StructLayout(LayoutKind.Auto)]
struct ColumnSpans
{
    public int KindsAt, AgentsAt;
    /// <summary>v2 only: the address lengths column (empty in v1, whose addresses are varints).</summary>
    public int AddrLengthAt, AddrLengthEnd;
    public int AddrAt, AddrEnd, SizeAt, SizeEnd, AuxAt, AuxEnd, SiteAt, SiteEnd, LengthAt, LengthEnd, ValueAt, ValueEnd, DataAt, DataEnd;
    /// <summary>v3 only: the extension kinds column, one byte per event whose kind nibble is 15 (empty before v3).</summary>
    public int ExtAt, ExtEnd;
}

/// <summary>
/// Decodes one chunk's raw (decompressed) payload into an <see cref="EventBatch"/>, a column at a time, by
/// blocks of events: a classify pass over the kind and agent columns (<see cref="KindClassifier"/>, 16 events per
/// vector step) validates them and sets a bit per event in each variable-width column it has an entry in; then one
/// tight loop per column walks its bits. A random event mix makes per-event "has address? has aux? has site?"
/// branches mispredict; per-column loops over set bits do not.
/// The payload buffer is padded with <see cref="Varint.Padding"/> bytes, so varint reads check their
/// column end once per value. The site column is not decoded here: the batch keeps its bytes and decodes
/// them when something reads <see cref="EventBatch.Sites"/> (reports do, replay does not).
/// </summary>
static partial class ChunkDecoder
{
    /// <summary>
    /// The decode buffer a chunk of <paramref name="rawLength"/> raw bytes and <paramref name="count"/> events needs:
    /// the payload, <see cref="Varint.Padding"/> zero bytes, and an 8-byte slot per small value and a spare one.
    /// </summary>
    public static int BufferLength(int rawLength, int count) => rawLength + Varint.Padding + 8 * (count + 1);

    /// <summary>
    /// Decodes <paramref name="count"/> events from <paramref name="padded"/>[..<paramref name="rawLength"/>]
    /// (followed by <see cref="Varint.Padding"/> zero bytes and room for <see cref="BufferLength"/>) into
    /// <paramref name="batch"/>. The buffer becomes the batch's <see cref="EventBatch.Data"/>: events with more
    /// than 8 bytes point into its data column where the payload has them, small values go to 8-byte slots after
    /// the padding, and the site column stays there for <see cref="EventBatch.Sites"/>. No byte is copied. On
    /// return <paramref name="padded"/> holds the batch's previous data buffer, the caller's next decode buffer
    /// (grow it to <see cref="BufferLength"/> first): a reader and its batches pass buffers around, none is written
    /// while a batch still holds it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode(ref byte[] padded, int rawLength, int count, long firstIndex, EventContext ctx,
        DecodeScratch scratch, EventBatch batch, in ChunkOrigin origin)
    {
        if (padded.Length < rawLength + Varint.Padding) FormatThrow.Argument("decode buffer not padded", nameof(padded));
        var cols = ReadColumnTable(padded.AsSpan(0, rawLength), count, ctx.AgentWidth, ctx.Version, origin);

        // The small values' slots: 8 bytes for each value the lengths column can hold, and a spare one.
        int valuesAt = rawLength + Varint.Padding;
        long need = valuesAt + 8L * (Math.Min(count, 2L * (cols.LengthEnd - cols.LengthAt)) + 1);
        if (padded.Length < need) FormatThrow.Argument($"decode buffer of {padded.Length} bytes, {need} needed (ChunkDecoder.BufferLength)", nameof(padded));
        batch.EnsureCapacity(count, 0);
        if (batch.Kinds.Length < count || batch.Agents.Length < count || batch.Addresses.Length < count || batch.Sizes.Length < count
            || batch.Aux.Length < count || batch.DataOffsets.Length < count)
            FormatThrow.Invalid("batch columns shorter than its capacity");
        scratch.Ensure(cols.AddrLengthEnd - cols.AddrLengthAt);

        var raw = padded.AsSpan(0, rawLength);
        if (ctx.AgentWidth == 1) ColumnUnpack.Agents(raw.Slice(cols.AgentsAt, count), batch.Agents);
        else MemoryMarshal.Cast<byte, ushort>(raw.Slice(cols.AgentsAt, 2 * count)).CopyTo(batch.Agents);

        // The significant-bytes columns are checked whole (so that reading them stays inside them); the address
        // deltas are unpacked whole, the small values are read where they are placed.
        if (ctx.Version != 1)
        {
            CheckSignificantBytes(origin, padded, "address", cols.AddrLengthAt, cols.AddrLengthEnd, cols.AddrAt, cols.AddrEnd);
            SignificantBytes.Unpack(padded.AsSpan(cols.AddrLengthAt, cols.AddrLengthEnd - cols.AddrLengthAt), padded.AsSpan(cols.AddrAt), scratch.Deltas, zigZag: true);
        }
        CheckSignificantBytes(origin, padded, "value", cols.LengthAt, cols.LengthEnd, cols.ValueAt, cols.ValueEnd);
        var placement = DataPlacement.Kernel;
        if (placement != PlacementKernel.Scalar) UnpackSmallValues(padded, cols, count, valuesAt);
        if (placement == PlacementKernel.Avx2) UnpackLengthNibbles(padded, cols, count, ref scratch.ValueLengths);
        Array.Clear(scratch.LastAddress);
        var cursors = new ColumnCursors
        {
            Address = ctx.Version == 1 ? cols.AddrAt : 0, Size = cols.SizeAt, Aux = cols.AuxAt, Data = cols.DataAt, Value = cols.ValueAt, Extension = cols.ExtAt,
        };
        int deltaCount = 2 * (cols.AddrLengthEnd - cols.AddrLengthAt);
        var bits = scratch.Bits;
        bool oneByteSizes = OneByteVarints(padded, cols.SizeAt, cols.SizeEnd), oneByteAux = OneByteVarints(padded, cols.AuxAt, cols.AuxEnd);
        for (int start = 0; start < count; start += DecodeScratch.BlockEvents)
        {
            int end = Math.Min(count, start + DecodeScratch.BlockEvents);
            KindClassifier.Classify(new ClassifyInput(padded, cols.KindsAt, cols.ExtEnd, firstIndex, ctx, batch, origin), start, end, bits, ref cursors.Extension);
            if (ctx.Version == 1)
            {
                DecodeAddressVarints(padded, cols, start, end, firstIndex, scratch, batch, ref cursors, origin);
            }
            else
            {
                int addresses = BitCount(bits.Address, end - start);
                if (addresses > deltaCount - cursors.Address) CheckLengthCount(origin, padded, "address", cursors.Address + addresses, cols.AddrLengthAt, cols.AddrLengthEnd);
                PlaceAddressDeltas(start, end, scratch, batch, ref cursors);
            }
            DecodeSizes(padded, cols, start, end, firstIndex, oneByteSizes, bits, batch, ref cursors, origin, OneByteColumns.UseVectors);
            DecodeAux(padded, cols, start, end, firstIndex, oneByteAux, ctx, bits, batch, ref cursors, origin, OneByteColumns.UseVectors);
            PlaceData(padded, cols, start, end, firstIndex, valuesAt, bits, batch, ref cursors, origin, placement, scratch.ValueLengths);
        }
        if (ctx.Version == 1) CheckConsumed(origin, "address", cursors.Address, cols.AddrEnd);
        else CheckLengthCount(origin, padded, "address", cursors.Address, cols.AddrLengthAt, cols.AddrLengthEnd);
        CheckConsumed(origin, "size", cursors.Size, cols.SizeEnd);
        CheckConsumed(origin, "aux", cursors.Aux, cols.AuxEnd);
        CheckLengthCount(origin, padded, "value", cursors.Small, cols.LengthAt, cols.LengthEnd);
        CheckConsumed(origin, "data", cursors.Data, cols.DataEnd);
        CheckConsumed(origin, "extension", cursors.Extension, cols.ExtEnd);
        var previous = batch.Data;
        batch.Data = padded;
        batch.SetFilled(firstIndex, count, valuesAt + 8 * cursors.Small);
        batch.PendingSites.Keep(padded, cols.KindsAt, count, cols.SiteAt, cols.SiteEnd, ctx.SiteCount, firstIndex, origin);
        padded = previous;
    }

    /// <summary>True when no byte of the varint column [<paramref name="at"/>, <paramref name="end"/>) has its continuation bit: each varint is one byte.</summary>
    static bool OneByteVarints(byte[] padded, int at, int end) => padded.AsSpan(at, end - at).IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0;

    static ColumnSpans ReadColumnTable(ReadOnlySpan<byte> raw, int count, int width, int version, in ChunkOrigin origin)
    {
        int tableSize = FormatLayout.ColumnTableSize(version);
        if (raw.Length < tableSize) origin.Fail(0, $"raw payload of {raw.Length} bytes is shorter than its column table");
        // v2 puts the address lengths column first; v1 has none.
        int at = version == 1 ? -4 : 0;
        uint addrLengthLen = version == 1 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(raw);
        uint addrLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[(at + 4)..]);
        uint sizeLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[(at + 8)..]);
        uint auxLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[(at + 12)..]);
        uint siteLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[(at + 16)..]);
        uint lengthLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[(at + 20)..]);
        uint valueLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[(at + 24)..]);
        uint dataLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[(at + 28)..]);
        // v3 appends the extension kinds column's length (and the column after the data).
        uint extLen = version >= FormatLayout.ExtendedVersion ? BinaryPrimitives.ReadUInt32LittleEndian(raw[(at + 32)..]) : 0;
        long expected = tableSize + (long)count * (1 + width) + addrLengthLen + addrLen + sizeLen + auxLen + siteLen + lengthLen + valueLen + dataLen + extLen;
        if (expected != raw.Length)
            origin.Fail(0, $"column lengths add up to {expected} bytes for {count} events, but the raw payload has {raw.Length}", raw[..tableSize]);
        var c = new ColumnSpans { KindsAt = tableSize };
        c.AgentsAt = c.KindsAt + count;
        c.AddrLengthAt = c.AgentsAt + count * width;
        c.AddrLengthEnd = c.AddrAt = c.AddrLengthAt + (int)addrLengthLen;
        c.AddrEnd = c.SizeAt = c.AddrAt + (int)addrLen;
        c.SizeEnd = c.AuxAt = c.SizeAt + (int)sizeLen;
        c.AuxEnd = c.SiteAt = c.AuxAt + (int)auxLen;
        c.SiteEnd = c.LengthAt = c.SiteAt + (int)siteLen;
        c.LengthEnd = c.ValueAt = c.LengthAt + (int)lengthLen;
        c.ValueEnd = c.DataAt = c.ValueAt + (int)valueLen;
        c.DataEnd = c.ExtAt = c.DataAt + (int)dataLen;
        c.ExtEnd = c.ExtAt + (int)extLen;
        return c;
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadKindOrAgent(in ChunkOrigin origin, EventContext ctx, long index, int kb, int agent, int at)
    {
        if (ctx.KindTable[kb] == 0)
            origin.Fail(at, $"event {index} has kind byte 0x{kb:x2}, which no writer produces");
        BadClass(origin, ctx, index, (EventKind)(kb & 0xF), agent, at);
    }

    /// <summary>
    /// v3, the rare path of <see cref="KindClassifier"/>: a kind byte whose nibble is 15 takes the next byte of the
    /// extension column; returns the table entry of kind 15 + that byte (and writes the kind to the batch), or
    /// reports what is wrong. Anything else that left the common path is a bad kind byte or agent.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int ExtendedKind(in ChunkOrigin origin, EventContext ctx, byte[] padded, int extEnd, ref int extPos,
        EventBatch batch, long index, int kindsAt, int i, int kb, int agent)
    {
        int at = kindsAt + i;
        if (ctx.Version < FormatLayout.ExtendedVersion || (kb & 0xF) != FormatLayout.ExtendedNibble) BadKindOrAgent(origin, ctx, index, kb, agent, at);
        if (extPos >= extEnd)
            origin.Fail(extEnd, $"event {index} has kind nibble 15 (extended), but the extension column has no byte left for it");
        int ext = padded[extPos];
        if (ext >= FormatLayout.ExtensionKinds)
            origin.Fail(extPos, $"event {index} has extension byte {ext}: kind {FormatLayout.ExtendedNibble + ext} is undefined (kinds go up to {EventKinds.Count - 1})", padded.AsSpan(extPos, 1));
        var kind = (EventKind)(FormatLayout.ExtendedNibble + ext);
        int f = KindByte.Extended[ext * 16 + (kb >> 4)];
        if (f == 0)
            origin.Fail(at, $"event {index} has kind byte 0x{kb:x2} with extension byte {ext}, which no writer produces for {kind.OpName()}", padded.AsSpan(at, 1));
        if ((uint)agent >= (uint)ctx.AgentCount || ctx.AgentClass[agent] != (f & KindByte.ClassMask)) BadClass(origin, ctx, index, kind, agent, at);
        batch.Kinds[i] = kind;
        extPos++;
        return f;
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadClass(in ChunkOrigin origin, EventContext ctx, long index, EventKind kind, int agent, int at)
    {
        if (agent >= ctx.AgentCount)
            origin.Fail(at, $"event {index} ({kind.OpName()}) is by agent {agent}, but the trace declares {ctx.AgentCount} agents");
        origin.Fail(at, $"event {index} is a {(kind.IsCpuEvent() ? "cpu" : "device")} event ({kind.OpName()}) by agent {agent}, which is {(ctx.AgentClass[agent] == EventContext.CpuClass ? "a cpu" : "a device")}");
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void ColumnOverrun(in ChunkOrigin origin, byte[] padded, long index, string column, int pos)
    {
        int start = Math.Clamp(pos, 0, padded.Length - 1);
        origin.Fail(start, $"event {index}: the {column} column ends inside a value or holds a malformed varint",
            padded.AsSpan(start, Math.Min(Varint.MaxLength, padded.Length - start)));
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadAux(in ChunkOrigin origin, EventContext ctx, long index, EventKind kind, ulong aux, int pos)
    {
        string problem = aux > uint.MaxValue ? $"aux {aux} beyond 32 bits" : EventRules.CheckAux(ctx, kind, (uint)aux) ?? "bad aux";
        origin.Fail(pos, $"event {index}: {problem}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void CheckConsumed(in ChunkOrigin origin, string column, int pos, int end)
    {
        if (pos != end) origin.Fail(pos, $"the {column} column has {end - pos} bytes no event uses");
    }
}
