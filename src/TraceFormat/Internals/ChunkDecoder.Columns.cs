using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>Where each variable-width column's reader stands between blocks of a chunk.</summary>
[StructLayout(LayoutKind.Auto)]
struct ColumnCursors
{
    /// <summary>v1: byte position in the address varints; v2: addresses placed (the next unpacked delta).</summary>
    public int Address;
    /// <summary>Byte positions in the sizes, aux and data columns.</summary>
    public int Size, Aux, Data;
    /// <summary>Small values placed (the next unpacked value and its length nibble).</summary>
    public int Small;
    /// <summary>Bytes written to the batch's data buffer.</summary>
    public int Out;
    /// <summary>v3: byte position in the extension kinds column.</summary>
    public int Extension;
}

// The per-event passes, run block by block (DecodeScratch.BlockEvents events) so that a block's lists and
// batch columns stay in the core's cache between passes. The v2 address deltas and the small values are
// significant-bytes columns unpacked for the whole chunk first (SignificantBytes: a shuffle per two values,
// no chain but the running position); the loops here only place them. The rare varint columns (v1
// addresses, sizes, aux) read through Varint; every error leaves the loop through a call.
static partial class ChunkDecoder
{
    readonly record struct EventLists(int Addresses, int Sizes, int Aux, int Data);

    /// <summary>
    /// Validates the kind bytes and agents of events [<paramref name="start"/>, <paramref name="end"/>), writes
    /// fixed sizes and the defaults of the other columns, and appends each event to the list of every
    /// variable-width column it has an entry in: the store is unconditional, only the count advances by the flag.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static EventLists Classify(byte[] padded, in ColumnSpans cols, int start, int end, long firstIndex, EventContext ctx, DecodeScratch scratch, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin)
    {
        batch.Addresses.AsSpan(start, end - start).Clear();
        batch.Aux.AsSpan(start, end - start).Clear();
        batch.DataOffsets.AsSpan(start, end - start).Fill(-1);
        ref byte kinds = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(padded), cols.KindsAt);
        ref int table = ref MemoryMarshal.GetArrayDataReference(ctx.KindTable);
        ref ushort agents = ref MemoryMarshal.GetArrayDataReference(batch.Agents);
        ref byte agentClass = ref MemoryMarshal.GetArrayDataReference(ctx.AgentClass);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref int addrList = ref MemoryMarshal.GetArrayDataReference(scratch.AddressEvents);
        ref int sizeList = ref MemoryMarshal.GetArrayDataReference(scratch.SizeEvents);
        ref int auxList = ref MemoryMarshal.GetArrayDataReference(scratch.AuxEvents);
        ref int dataList = ref MemoryMarshal.GetArrayDataReference(scratch.DataEvents);
        uint agentCount = (uint)ctx.AgentCount;
        int nA = 0, nS = 0, nX = 0, nD = 0;
        for (int i = start; i < end; i++)
        {
            int kb = Unsafe.Add(ref kinds, i);
            int f = Unsafe.Add(ref table, kb);
            uint agent = Unsafe.Add(ref agents, i);
            // An invalid kind byte has class 0, which never equals an agent's class (1 cpu, 2 device); so has a
            // v3 extended one (nibble 15), whose entry comes from the extension column on this rare path.
            if (agent >= agentCount || Unsafe.Add(ref agentClass, (int)agent) != (f & KindByte.ClassMask))
                f = ExtendedKind(origin, ctx, padded, cols, ref cursors.Extension, batch, firstIndex + i, i, kb, (int)agent);
            int fixedSize = f >> KindByte.FixedSizeShift;
            int hasAddress = (f >> 2) & 1;
            Unsafe.Add(ref sizes, i) = fixedSize;
            Unsafe.Add(ref addrList, nA) = i;
            nA += hasAddress;
            Unsafe.Add(ref sizeList, nS) = i;
            nS += hasAddress & (fixedSize == 0 ? 1 : 0);
            Unsafe.Add(ref auxList, nX) = i;
            nX += (f >> 3) & 1;
            Unsafe.Add(ref dataList, nD) = i;
            nD += (f >> 4) & 1;
        }
        return new EventLists(nA, nS, nX, nD);
    }

    /// <summary>v1 addresses: a zigzag varint delta per listed event, from the previous address of its agent and stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeAddressVarints(byte[] padded, in ColumnSpans cols, int n, long firstIndex, DecodeScratch scratch, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        // The address stream of nibble 15 is 0 in this table whatever the version: v1/v2 raise_irq has no
        // address, and every v3 extended kind with an address (store_release .. dma_unmap) runs in stream 0.
        ref int table = ref MemoryMarshal.GetArrayDataReference(KindByte.Table);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.AddressEvents);
        ref ushort agents = ref MemoryMarshal.GetArrayDataReference(batch.Agents);
        ref ulong addresses = ref MemoryMarshal.GetArrayDataReference(batch.Addresses);
        ref ulong lastRef = ref MemoryMarshal.GetArrayDataReference(scratch.LastAddress);
        int pos = cursors.Address, end = cols.AddrEnd, kindsAt = cols.KindsAt;
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            var (zz, len) = Varint.Read(ref Unsafe.Add(ref src, pos));
            pos += len;
            if (len == 0 || pos > end) ColumnOverrun(origin, padded, firstIndex + i, "address", pos - len);
            int slot = (Unsafe.Add(ref table, Unsafe.Add(ref src, kindsAt + i)) >> KindByte.SlotShift) & 3;
            // agent < agent count was checked by Classify; LastAddress has AddressStreams slots per agent.
            ref ulong prev = ref Unsafe.Add(ref lastRef, Unsafe.Add(ref agents, i) * KindByte.AddressStreams + slot);
            ulong address = prev + (ulong)Varint.UnZigZag(zz);
            prev = address;
            Unsafe.Add(ref addresses, i) = address;
        }
        cursors.Address = pos;
    }

    /// <summary>
    /// v2 addresses: adds each unpacked zigzag delta to the previous address of its event's agent and stream.
    /// The deltas were unpacked for the whole chunk; there are enough of them (<see cref="Decode"/> checks).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void PlaceAddressDeltas(byte[] padded, in ColumnSpans cols, int n, DecodeScratch scratch, EventBatch batch, ref ColumnCursors cursors)
    {
        ref byte kinds = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(padded), cols.KindsAt);
        // The address stream of nibble 15 is 0 in this table whatever the version: v1/v2 raise_irq has no
        // address, and every v3 extended kind with an address (store_release .. dma_unmap) runs in stream 0.
        ref int table = ref MemoryMarshal.GetArrayDataReference(KindByte.Table);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.AddressEvents);
        ref ulong deltas = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(scratch.Deltas), cursors.Address);
        ref ushort agents = ref MemoryMarshal.GetArrayDataReference(batch.Agents);
        ref ulong addresses = ref MemoryMarshal.GetArrayDataReference(batch.Addresses);
        ref ulong lastRef = ref MemoryMarshal.GetArrayDataReference(scratch.LastAddress);
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            int slot = (Unsafe.Add(ref table, Unsafe.Add(ref kinds, i)) >> KindByte.SlotShift) & 3;
            // agent < agent count was checked by Classify; LastAddress has AddressStreams slots per agent.
            ref ulong prev = ref Unsafe.Add(ref lastRef, Unsafe.Add(ref agents, i) * KindByte.AddressStreams + slot);
            ulong address = prev + (ulong)Varint.UnZigZag(Unsafe.Add(ref deltas, k));
            prev = address;
            Unsafe.Add(ref addresses, i) = address;
        }
        cursors.Address += n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeSizes(byte[] padded, in ColumnSpans cols, int n, long firstIndex, DecodeScratch scratch, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.SizeEvents);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref ulong addresses = ref MemoryMarshal.GetArrayDataReference(batch.Addresses);
        ref EventKind kinds = ref MemoryMarshal.GetArrayDataReference(batch.Kinds);
        int pos = cursors.Size, end = cols.SizeEnd;
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            var (s, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, pos));
            pos += len;
            if (len == 0 || pos > end) ColumnOverrun(origin, padded, firstIndex + i, "size", pos - len);
            // Size 0 only for dev_invalidate of all entries, whose address is 0 too.
            if (s - 1 >= TraceEvent.MaxSize
                && !(s == 0 && Unsafe.Add(ref kinds, i) == EventKind.DevInvalidate && Unsafe.Add(ref addresses, i) == 0))
                BadSize(origin, firstIndex + i, Unsafe.Add(ref kinds, i), s, pos - len);
            Unsafe.Add(ref sizes, i) = (int)s;
        }
        cursors.Size = pos;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeAux(byte[] padded, in ColumnSpans cols, int n, long firstIndex, EventContext ctx, DecodeScratch scratch, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.AuxEvents);
        ref uint aux = ref MemoryMarshal.GetArrayDataReference(batch.Aux);
        ref EventKind kinds = ref MemoryMarshal.GetArrayDataReference(batch.Kinds);
        var rules = ctx.AuxRules;
        int pos = cursors.Aux, end = cols.AuxEnd;
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            var (a, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, pos));
            pos += len;
            if (len == 0 || pos > end) ColumnOverrun(origin, padded, firstIndex + i, "aux", pos - len);
            // The decoded kind (Classify wrote the extended ones), not the kind byte's nibble.
            int kind = (int)Unsafe.Add(ref kinds, i);
            if (!rules.Ok(kind, a)) BadAux(origin, ctx, firstIndex + i, (EventKind)kind, a, pos - len);
            Unsafe.Add(ref aux, i) = (uint)a;
        }
        cursors.Aux = pos;
    }

    /// <summary>
    /// Small values (1..8 bytes: unpacked for the whole chunk first) and data (longer, raw) of the listed
    /// events into the batch's byte buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void PlaceData(byte[] padded, in ColumnSpans cols, int n, long firstIndex, DecodeScratch scratch, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref ulong values = ref MemoryMarshal.GetArrayDataReference(scratch.Values);
        ref byte dst = ref MemoryMarshal.GetArrayDataReference(batch.Data);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.DataEvents);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref int offsets = ref MemoryMarshal.GetArrayDataReference(batch.DataOffsets);
        int small = cursors.Small, lengthAt = cols.LengthAt, lengthCount = 2 * (cols.LengthEnd - cols.LengthAt);
        int dataPos = cursors.Data, dataEnd = cols.DataEnd, outPos = cursors.Out;
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            int size = Unsafe.Add(ref sizes, i);
            Unsafe.Add(ref offsets, i) = outPos;
            if (size <= FormatLayout.SmallValueMaxSize)
            {
                if (small >= lengthCount) ColumnOverrun(origin, padded, firstIndex + i, "value lengths", cols.LengthEnd);
                int len = (Unsafe.Add(ref src, lengthAt + (small >> 1)) >> ((small & 1) << 2)) & 0xF;
                if (len > size) BadValueLength(origin, firstIndex + i, size, len, lengthAt + (small >> 1));
                ulong v = Unsafe.Add(ref values, small);
                small++;
                // The batch buffer has 8 bytes of slack past the last value (see Decode).
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, outPos), BitConverter.IsLittleEndian ? v : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v));
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
        cursors.Small = small;
        cursors.Data = dataPos;
        cursors.Out = outPos;
    }

    /// <summary>
    /// Before the blocks: a significant-bytes column's nibbles must all be ≤ 8 and add up to its bytes column,
    /// so that unpacking it stays inside it. (The count of nibbles is checked after the blocks, by <see cref="CheckLengthCount"/>.)
    /// </summary>
    static void CheckSignificantBytes(in ChunkOrigin origin, byte[] padded, string column, int lengthsAt, int lengthsEnd, int bytesAt, int bytesEnd)
    {
        long total = SignificantBytes.TotalLength(padded.AsSpan(lengthsAt, lengthsEnd - lengthsAt));
        if (total != bytesEnd - bytesAt) BadSignificantBytes(origin, padded, column, total, lengthsAt, lengthsEnd, bytesEnd - bytesAt);
    }

    /// <summary>After the blocks: exactly one nibble per value, an odd count padded with a zero nibble.</summary>
    static void CheckLengthCount(in ChunkOrigin origin, byte[] padded, string column, int values, int lengthsAt, int lengthsEnd)
    {
        int lengthBytes = lengthsEnd - lengthsAt;
        if ((values + 1) >> 1 != lengthBytes || ((values & 1) == 1 && padded[lengthsEnd - 1] >> 4 != 0))
            origin.Fail(lengthsAt, $"the {column} lengths column has {lengthBytes} bytes for {values} {column}s");
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadSignificantBytes(in ChunkOrigin origin, byte[] padded, string column, long total, int lengthsAt, int lengthsEnd, int bytes)
    {
        if (total >= 0) origin.Fail(lengthsAt, $"the {column} lengths add up to {total} bytes, but the {column} column has {bytes}");
        int at = lengthsAt;
        while (at < lengthsEnd && (padded[at] & 0xF) <= 8 && padded[at] >> 4 <= 8) at++;
        origin.Fail(at, $"the {column} lengths column holds a length above 8 bytes", padded.AsSpan(at, 1));
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadSize(in ChunkOrigin origin, long index, EventKind kind, ulong size, int pos) =>
        origin.Fail(pos, $"event {index} ({kind.OpName()}) has size {size} (1..{TraceEvent.MaxSize})");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadValueLength(in ChunkOrigin origin, long index, int size, int length, int pos) =>
        origin.Fail(pos, $"event {index} of size {size} has a value of {length} significant bytes");
}
