using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

// One pass per column. The v2 address deltas and the small values are significant-byte columns, unpacked
// for the whole chunk first (SignificantBytes: a shuffle per two values, no chain but the running position);
// the loops here then only place them. The rare varint columns (v1 addresses, sizes, aux) read through
// Varint; every error leaves the loop through a call.
static partial class ChunkDecoder
{
    readonly record struct EventLists(int Addresses, int Sizes, int Aux, int Data);

    /// <summary>
    /// Validates kind bytes and agents, writes fixed sizes, and appends each event to the list of every
    /// variable-width column it has an entry in: the store is unconditional, only the count advances by the flag.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static EventLists Classify(byte[] padded, in ColumnSpans cols, int count, long firstIndex, EventContext ctx, DecodeScratch scratch, EventBatch batch, in ChunkOrigin origin)
    {
        ref byte kinds = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(padded), cols.KindsAt);
        ref int table = ref MemoryMarshal.GetArrayDataReference(KindByte.Table);
        ref ushort agents = ref MemoryMarshal.GetArrayDataReference(batch.Agents);
        ref byte agentClass = ref MemoryMarshal.GetArrayDataReference(ctx.AgentClass);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref int addrList = ref MemoryMarshal.GetArrayDataReference(scratch.AddressEvents);
        ref int sizeList = ref MemoryMarshal.GetArrayDataReference(scratch.SizeEvents);
        ref int auxList = ref MemoryMarshal.GetArrayDataReference(scratch.AuxEvents);
        ref int dataList = ref MemoryMarshal.GetArrayDataReference(scratch.DataEvents);
        uint agentCount = (uint)ctx.AgentCount;
        int nA = 0, nS = 0, nX = 0, nD = 0;
        for (int i = 0; i < count; i++)
        {
            int kb = Unsafe.Add(ref kinds, i);
            int f = Unsafe.Add(ref table, kb);
            uint agent = Unsafe.Add(ref agents, i);
            // An invalid kind byte has class 0, which never equals an agent's class (1 cpu, 2 device).
            if (agent >= agentCount || Unsafe.Add(ref agentClass, (int)agent) != (f & KindByte.ClassMask))
                BadKindOrAgent(origin, ctx, firstIndex + i, kb, (int)agent, cols.KindsAt + i);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeAddressVarints(byte[] padded, in ColumnSpans cols, int n, long firstIndex, DecodeScratch scratch, EventBatch batch, int count, in ChunkOrigin origin)
    {
        var last = scratch.LastAddress;
        Array.Clear(last);
        batch.Addresses.AsSpan(0, count).Clear();
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int table = ref MemoryMarshal.GetArrayDataReference(KindByte.Table);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.AddressEvents);
        ref ushort agents = ref MemoryMarshal.GetArrayDataReference(batch.Agents);
        ref ulong addresses = ref MemoryMarshal.GetArrayDataReference(batch.Addresses);
        ref ulong lastRef = ref MemoryMarshal.GetArrayDataReference(last);
        int pos = cols.AddrAt, end = cols.AddrEnd, kindsAt = cols.KindsAt;
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
        CheckConsumed(origin, "address", pos, end);
    }

    /// <summary>
    /// v2 addresses: the zigzag deltas are a significant-bytes column (checked, then unpacked for the whole
    /// chunk), and one loop adds each to the previous address of its agent and stream.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeAddressDeltas(byte[] padded, in ColumnSpans cols, int n, DecodeScratch scratch, EventBatch batch, int count, in ChunkOrigin origin)
    {
        CheckSignificantBytes(origin, padded, "address", n, cols.AddrLengthAt, cols.AddrLengthEnd, cols.AddrAt, cols.AddrEnd);
        SignificantBytes.Unpack(padded.AsSpan(cols.AddrLengthAt, cols.AddrLengthEnd - cols.AddrLengthAt), padded.AsSpan(cols.AddrAt), scratch.Deltas);
        var last = scratch.LastAddress;
        Array.Clear(last);
        batch.Addresses.AsSpan(0, count).Clear();
        ref byte kinds = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(padded), cols.KindsAt);
        ref int table = ref MemoryMarshal.GetArrayDataReference(KindByte.Table);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.AddressEvents);
        ref ulong deltas = ref MemoryMarshal.GetArrayDataReference(scratch.Deltas);
        ref ushort agents = ref MemoryMarshal.GetArrayDataReference(batch.Agents);
        ref ulong addresses = ref MemoryMarshal.GetArrayDataReference(batch.Addresses);
        ref ulong lastRef = ref MemoryMarshal.GetArrayDataReference(last);
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
    }

    /// <summary>
    /// A significant-bytes column pair must hold exactly one length nibble per value (an odd count padded with
    /// a zero nibble), every length ≤ 8, and lengths that add up to the bytes column: then unpacking it cannot
    /// run past it.
    /// </summary>
    static void CheckSignificantBytes(in ChunkOrigin origin, byte[] padded, string column, int values, int lengthsAt, int lengthsEnd, int bytesAt, int bytesEnd)
    {
        int lengthBytes = lengthsEnd - lengthsAt;
        if ((values + 1) >> 1 != lengthBytes || ((values & 1) == 1 && padded[lengthsEnd - 1] >> 4 != 0))
            origin.Fail(lengthsAt, $"the {column} lengths column has {lengthBytes} bytes for {values} {column}s");
        long total = SignificantBytes.TotalLength(padded.AsSpan(lengthsAt, lengthBytes));
        if (total != bytesEnd - bytesAt) BadSignificantBytes(origin, padded, column, total, lengthsAt, lengthsEnd, bytesEnd - bytesAt);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadSignificantBytes(in ChunkOrigin origin, byte[] padded, string column, long total, int lengthsAt, int lengthsEnd, int bytes)
    {
        if (total >= 0) origin.Fail(lengthsAt, $"the {column} lengths add up to {total} bytes, but the {column} column has {bytes}");
        int at = lengthsAt;
        while (at < lengthsEnd && (padded[at] & 0xF) <= 8 && padded[at] >> 4 <= 8) at++;
        origin.Fail(at, $"the {column} lengths column holds a length above 8 bytes", padded.AsSpan(at, 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeSizes(byte[] padded, in ColumnSpans cols, int n, long firstIndex, DecodeScratch scratch, EventBatch batch, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.SizeEvents);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref ulong addresses = ref MemoryMarshal.GetArrayDataReference(batch.Addresses);
        int pos = cols.SizeAt, end = cols.SizeEnd, kindsAt = cols.KindsAt;
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            var (s, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, pos));
            pos += len;
            if (len == 0 || pos > end) ColumnOverrun(origin, padded, firstIndex + i, "size", pos - len);
            // Size 0 only for dev_invalidate of all entries, whose address is 0 too.
            if (s - 1 >= TraceEvent.MaxSize
                && !(s == 0 && (Unsafe.Add(ref src, kindsAt + i) & 0xF) == (int)EventKind.DevInvalidate && Unsafe.Add(ref addresses, i) == 0))
                BadSize(origin, firstIndex + i, (EventKind)(Unsafe.Add(ref src, kindsAt + i) & 0xF), s, pos - len);
            Unsafe.Add(ref sizes, i) = (int)s;
        }
        CheckConsumed(origin, "size", pos, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeAux(byte[] padded, in ColumnSpans cols, int n, long firstIndex, EventContext ctx, DecodeScratch scratch, EventBatch batch, int count, in ChunkOrigin origin)
    {
        batch.Aux.AsSpan(0, count).Clear();
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.AuxEvents);
        ref uint aux = ref MemoryMarshal.GetArrayDataReference(batch.Aux);
        int pos = cols.AuxAt, end = cols.AuxEnd, kindsAt = cols.KindsAt;
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            var (a, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, pos));
            pos += len;
            if (len == 0 || pos > end) ColumnOverrun(origin, padded, firstIndex + i, "aux", pos - len);
            var kind = (EventKind)(Unsafe.Add(ref src, kindsAt + i) & 0xF);
            if (!EventRules.AuxOk(ctx, kind, a)) BadAux(origin, ctx, firstIndex + i, kind, a, pos - len);
            Unsafe.Add(ref aux, i) = (uint)a;
        }
        CheckConsumed(origin, "aux", pos, end);
    }

    /// <summary>
    /// Small values (1..8 bytes: a significant-bytes column, checked and unpacked for the whole chunk first)
    /// and data (longer, raw) into the batch's byte buffer; returns its length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static int DecodeData(byte[] padded, in ColumnSpans cols, int n, long firstIndex, DecodeScratch scratch, EventBatch batch, int count, in ChunkOrigin origin)
    {
        CheckSignificantBytes(origin, padded, "value", 2 * (cols.LengthEnd - cols.LengthAt), cols.LengthAt, cols.LengthEnd, cols.ValueAt, cols.ValueEnd);
        SignificantBytes.Unpack(padded.AsSpan(cols.LengthAt, cols.LengthEnd - cols.LengthAt), padded.AsSpan(cols.ValueAt), scratch.Values);
        batch.DataOffsets.AsSpan(0, count).Fill(-1);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref ulong values = ref MemoryMarshal.GetArrayDataReference(scratch.Values);
        ref byte dst = ref MemoryMarshal.GetArrayDataReference(batch.Data);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.DataEvents);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref int offsets = ref MemoryMarshal.GetArrayDataReference(batch.DataOffsets);
        int small = 0, lengthAt = cols.LengthAt, lengthCount = 2 * (cols.LengthEnd - cols.LengthAt);
        int dataPos = cols.DataAt, dataEnd = cols.DataEnd, outPos = 0;
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            int size = Unsafe.Add(ref sizes, i);
            Unsafe.Add(ref offsets, i) = outPos;
            if (size <= FormatLayout.SmallValueMaxSize)
            {
                if (small >= lengthCount) ColumnOverrun(origin, padded, firstIndex + i, "value lengths", cols.LengthEnd);
                int len = (Unsafe.Add(ref src, lengthAt + (small >> 1)) >> ((small & 1) << 2)) & 0xF;
                small++;
                if (len > size) BadValueLength(origin, firstIndex + i, size, len, lengthAt + ((small - 1) >> 1));
                ulong v = Unsafe.Add(ref values, small - 1);
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
        // The lengths column holds exactly one nibble per small value, an odd count padded with a zero nibble.
        if ((small + 1) >> 1 != cols.LengthEnd - cols.LengthAt || ((small & 1) == 1 && Unsafe.Add(ref src, cols.LengthEnd - 1) >> 4 != 0))
            origin.Fail(cols.LengthAt, $"the value lengths column has {cols.LengthEnd - cols.LengthAt} bytes for {small} small values");
        CheckConsumed(origin, "data", dataPos, dataEnd);
        return outPos;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadSize(in ChunkOrigin origin, long index, EventKind kind, ulong size, int pos) =>
        origin.Fail(pos, $"event {index} ({kind.OpName()}) has size {size} (1..{TraceEvent.MaxSize})");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadValueLength(in ChunkOrigin origin, long index, int size, int length, int pos) =>
        origin.Fail(pos, $"event {index} of size {size} has a value of {length} significant bytes");
}
