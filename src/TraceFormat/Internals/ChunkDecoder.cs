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

/// <summary>
/// Decodes one chunk's raw (decompressed) payload into an <see cref="EventBatch"/>: the column table,
/// then one pass over the events reading each column at its own cursor. The payload buffer is padded
/// with <see cref="Varint.Padding"/> bytes, so varint reads check their column end once per value.
/// </summary>
static class ChunkDecoder
{
    /// <summary>
    /// Decodes <paramref name="count"/> events from <paramref name="padded"/>[..<paramref name="rawLength"/>]
    /// into <paramref name="batch"/>. <paramref name="lastAddress"/> is scratch of <see cref="KindByte.AddressStreams"/> slots per agent (reset here).
    /// </summary>
    [SkipLocalsInit]
    public static void Decode(byte[] padded, int rawLength, int count, long firstIndex, EventContext ctx,
        ulong[] lastAddress, EventBatch batch, in ChunkOrigin origin)
    {
        if (padded.Length < rawLength + Varint.Padding) throw new ArgumentException("decode buffer not padded", nameof(padded));
        var raw = padded.AsSpan(0, rawLength);
        if (rawLength < FormatLayout.ColumnTableSize) origin.Fail(0, $"raw payload of {rawLength} bytes is shorter than its column table");
        uint addrLen = BinaryPrimitives.ReadUInt32LittleEndian(raw);
        uint sizeLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[4..]);
        uint auxLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[8..]);
        uint siteLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[12..]);
        uint valueLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[16..]);
        uint dataLen = BinaryPrimitives.ReadUInt32LittleEndian(raw[20..]);
        int width = ctx.AgentWidth;
        long expected = FormatLayout.ColumnTableSize + (long)count * (1 + width) + addrLen + sizeLen + auxLen + siteLen + valueLen + dataLen;
        if (expected != rawLength)
            origin.Fail(0, $"column lengths add up to {expected} bytes for {count} events, but the raw payload has {rawLength}", raw[..FormatLayout.ColumnTableSize]);

        int kindsAt = FormatLayout.ColumnTableSize;
        int agentsAt = kindsAt + count;
        int addrPos = agentsAt + count * width, addrEnd = addrPos + (int)addrLen;
        int sizePos = addrEnd, sizeEnd = sizePos + (int)sizeLen;
        int auxPos = sizeEnd, auxEnd = auxPos + (int)auxLen;
        int sitePos = auxEnd, siteEnd = sitePos + (int)siteLen;
        int valuePos = siteEnd, valueEnd = valuePos + (int)valueLen;
        int dataPos = valueEnd, dataEnd = dataPos + (int)dataLen;

        // Output bytes: the data column as is plus at most 8 per event from the values column, and 8 bytes of
        // slack so that a small value is stored as one unaligned u64 write.
        long outBound = dataLen + 8L * Math.Min(count, valueLen) + 8;
        batch.EnsureCapacity(count, (int)outBound);
        var kinds = batch.Kinds;
        var agents = batch.Agents;
        var addresses = batch.Addresses;
        var sizes = batch.Sizes;
        var auxes = batch.Aux;
        var sites = batch.Sites;
        var dataOffsets = batch.DataOffsets;
        var output = batch.Data;
        if (output.Length < outBound) throw new InvalidOperationException("batch data shorter than its capacity");
        ref byte dst = ref MemoryMarshal.GetArrayDataReference(output);
        int outPos = 0;
        if (kinds.Length < count || agents.Length < count || addresses.Length < count || sizes.Length < count
            || auxes.Length < count || sites.Length < count || dataOffsets.Length < count)
            throw new InvalidOperationException("batch columns shorter than its capacity");

        int agentCount = ctx.AgentCount;
        ref byte agentClass = ref MemoryMarshal.GetArrayDataReference(ctx.AgentClass);
        int siteCount = ctx.SiteCount;
        Array.Clear(lastAddress, 0, agentCount * KindByte.AddressStreams);
        ref ulong lastRef = ref MemoryMarshal.GetArrayDataReference(lastAddress);
        ref int table = ref MemoryMarshal.GetArrayDataReference(KindByte.Table);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);

        // Fixed-width columns first, in bulk (vectorized); the loop below validates them.
        ColumnUnpack.Kinds(raw.Slice(kindsAt, count), kinds);
        if (width == 1) ColumnUnpack.Agents(raw.Slice(agentsAt, count), agents);
        else MemoryMarshal.Cast<byte, ushort>(raw.Slice(agentsAt, 2 * count)).CopyTo(agents);

        ref ushort agentsRef = ref MemoryMarshal.GetArrayDataReference(agents);
        ref ulong addressesRef = ref MemoryMarshal.GetArrayDataReference(addresses);
        ref int sizesRef = ref MemoryMarshal.GetArrayDataReference(sizes);
        ref uint auxRef = ref MemoryMarshal.GetArrayDataReference(auxes);
        ref int sitesRef = ref MemoryMarshal.GetArrayDataReference(sites);
        ref int dataOffsetsRef = ref MemoryMarshal.GetArrayDataReference(dataOffsets);

        for (int i = 0; i < count; i++)
        {
            int kb = Unsafe.Add(ref src, kindsAt + i);
            int f = Unsafe.Add(ref table, kb);
            int agent = Unsafe.Add(ref agentsRef, i);
            if (f == 0 || (uint)agent >= (uint)agentCount || Unsafe.Add(ref agentClass, agent) != (f & KindByte.ClassMask))
                BadKindOrAgent(origin, ctx, i, kb, agent, kindsAt);
            var kind = (EventKind)(kb & 0xF);

            ulong address = 0;
            int size = 0;
            if ((f & KindByte.HasAddress) != 0)
            {
                if (!Varint.TryRead(ref src, ref addrPos, out ulong zz) || addrPos > addrEnd)
                    ColumnOverrun(origin, padded, i, "address", addrPos);
                ref ulong last = ref Unsafe.Add(ref lastRef, agent * KindByte.AddressStreams + ((f >> KindByte.SlotShift) & 3));
                address = last + (ulong)Varint.UnZigZag(zz);
                last = address;
                size = f >> KindByte.FixedSizeShift;
                if (size == 0)
                {
                    if (!Varint.TryRead(ref src, ref sizePos, out ulong s) || sizePos > sizeEnd)
                        ColumnOverrun(origin, padded, i, "size", sizePos);
                    if (s - 1 >= TraceEvent.MaxSize && !(s == 0 && kind == EventKind.DevInvalidate && address == 0))
                        origin.Fail(sizePos - 1, $"event {firstIndex + i} ({kind.OpName()}) has size {s} (1..{TraceEvent.MaxSize})");
                    size = (int)s;
                }
            }

            uint aux = 0;
            if ((f & KindByte.HasAux) != 0)
            {
                if (!Varint.TryRead(ref src, ref auxPos, out ulong a) || auxPos > auxEnd)
                    ColumnOverrun(origin, padded, i, "aux", auxPos);
                if (!EventRules.AuxOk(ctx, kind, a)) BadAux(origin, ctx, firstIndex + i, kind, a, auxPos);
                aux = (uint)a;
            }

            int site = -1;
            if ((f & KindByte.HasSite) != 0)
            {
                if (!Varint.TryRead(ref src, ref sitePos, out ulong s) || sitePos > siteEnd)
                    ColumnOverrun(origin, padded, i, "site", sitePos);
                if (s >= (ulong)siteCount)
                    origin.Fail(sitePos - 1, $"event {firstIndex + i} names site {s}, but the trace interns {siteCount} sites");
                site = (int)s;
            }

            int dataOffset = -1;
            if ((f & KindByte.HasData) != 0)
            {
                dataOffset = outPos;
                if (size <= FormatLayout.SmallValueMaxSize)
                {
                    if (!Varint.TryRead(ref src, ref valuePos, out ulong v) || valuePos > valueEnd)
                        ColumnOverrun(origin, padded, i, "values", valuePos);
                    if (size < 8 && v >> (8 * size) != 0)
                        origin.Fail(valuePos - 1, $"event {firstIndex + i} ({kind.OpName()}) of size {size} has value 0x{v:x}, which needs more bytes");
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, outPos), BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v));
                }
                else
                {
                    if (size > dataEnd - dataPos)
                        origin.Fail(dataPos, $"event {firstIndex + i} needs {size} data bytes, but the data column has {dataEnd - dataPos} left");
                    Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref dst, outPos), ref Unsafe.Add(ref src, dataPos), (uint)size);
                    dataPos += size;
                }
                outPos += size;
            }

            Unsafe.Add(ref addressesRef, i) = address;
            Unsafe.Add(ref sizesRef, i) = size;
            Unsafe.Add(ref auxRef, i) = aux;
            Unsafe.Add(ref sitesRef, i) = site;
            Unsafe.Add(ref dataOffsetsRef, i) = dataOffset;
        }

        if (addrPos != addrEnd) ColumnLeftover(origin, "address", addrPos, addrEnd);
        if (sizePos != sizeEnd) ColumnLeftover(origin, "size", sizePos, sizeEnd);
        if (auxPos != auxEnd) ColumnLeftover(origin, "aux", auxPos, auxEnd);
        if (sitePos != siteEnd) ColumnLeftover(origin, "site", sitePos, siteEnd);
        if (valuePos != valueEnd) ColumnLeftover(origin, "values", valuePos, valueEnd);
        if (dataPos != dataEnd) ColumnLeftover(origin, "data", dataPos, dataEnd);
        batch.SetFilled(firstIndex, count, outPos);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadKindOrAgent(in ChunkOrigin origin, EventContext ctx, int i, int kb, int agent, int kindsAt)
    {
        if (KindByte.Table[kb] == 0)
            origin.Fail(kindsAt + i, $"event {i} of the chunk has kind byte 0x{kb:x2}, which no writer produces");
        var kind = (EventKind)(kb & 0xF);
        if (agent >= ctx.AgentCount)
            origin.Fail(kindsAt + i, $"event {i} of the chunk ({kind.OpName()}) is by agent {agent}, but the trace declares {ctx.AgentCount} agents");
        origin.Fail(kindsAt + i, $"event {i} of the chunk is a {(kind.IsCpuEvent() ? "cpu" : "device")} event ({kind.OpName()}) by agent {agent}, which is {(ctx.AgentClass[agent] == EventContext.CpuClass ? "a cpu" : "a device")}");
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void ColumnOverrun(in ChunkOrigin origin, byte[] padded, int i, string column, int pos)
    {
        int start = Math.Max(0, pos - Varint.MaxLength);
        origin.Fail(start, $"event {i} of the chunk: the {column} column ends inside a value or holds a malformed varint",
            padded.AsSpan(start, Math.Min(Varint.MaxLength, padded.Length - start)));
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadAux(in ChunkOrigin origin, EventContext ctx, long index, EventKind kind, ulong aux, int pos)
    {
        string problem = aux > uint.MaxValue ? $"aux {aux} beyond 32 bits" : EventRules.CheckAux(ctx, kind, (uint)aux) ?? "bad aux";
        origin.Fail(pos - 1, $"event {index}: {problem}");
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void ColumnLeftover(in ChunkOrigin origin, string column, int pos, int end) =>
        origin.Fail(pos, $"the {column} column has {end - pos} bytes no event uses");
}
