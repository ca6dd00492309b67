using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

// One pass per column. Each loop keeps its cursor in a local and reads varints through Varint.Read, which
// is branch-free up to 8 bytes; values of 9..10 bytes and every error leave the loop through a call.
// Next step toward 150 M events/s: the varint columns are plain LEB128, which SIMD decoders (Masked VByte)
// read 16 bytes at a time; each column's loop here is the place for it.
static partial class ChunkDecoder
{
    readonly record struct EventLists(int Addresses, int Sizes, int Aux, int Sites, int Data);

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
        ref int siteList = ref MemoryMarshal.GetArrayDataReference(scratch.SiteEvents);
        ref int dataList = ref MemoryMarshal.GetArrayDataReference(scratch.DataEvents);
        uint agentCount = (uint)ctx.AgentCount;
        int nA = 0, nS = 0, nX = 0, nT = 0, nD = 0;
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
            Unsafe.Add(ref siteList, nT) = i;
            nT += (f >> 5) & 1;
        }
        return new EventLists(nA, nS, nX, nT, nD);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeAddresses(byte[] padded, in ColumnSpans cols, int n, long firstIndex, DecodeScratch scratch, EventBatch batch, int count, in ChunkOrigin origin)
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
            var (s, len) = Varint.Read(ref Unsafe.Add(ref src, pos));
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
            var (a, len) = Varint.Read(ref Unsafe.Add(ref src, pos));
            pos += len;
            if (len == 0 || pos > end) ColumnOverrun(origin, padded, firstIndex + i, "aux", pos - len);
            var kind = (EventKind)(Unsafe.Add(ref src, kindsAt + i) & 0xF);
            if (!EventRules.AuxOk(ctx, kind, a)) BadAux(origin, ctx, firstIndex + i, kind, a, pos - len);
            Unsafe.Add(ref aux, i) = (uint)a;
        }
        CheckConsumed(origin, "aux", pos, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeSites(byte[] padded, in ColumnSpans cols, int n, long firstIndex, int siteCount, DecodeScratch scratch, EventBatch batch, int count, in ChunkOrigin origin)
    {
        batch.Sites.AsSpan(0, count).Fill(-1);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.SiteEvents);
        ref int sites = ref MemoryMarshal.GetArrayDataReference(batch.Sites);
        int pos = cols.SiteAt, end = cols.SiteEnd;
        for (int k = 0; k < n; k++)
        {
            int i = Unsafe.Add(ref list, k);
            var (s, len) = Varint.Read(ref Unsafe.Add(ref src, pos));
            pos += len;
            if (len == 0 || pos > end) ColumnOverrun(origin, padded, firstIndex + i, "site", pos - len);
            if (s >= (ulong)siteCount)
                origin.Fail(pos - len, $"event {firstIndex + i} names site {s}, but the trace interns {siteCount} sites");
            Unsafe.Add(ref sites, i) = (int)s;
        }
        CheckConsumed(origin, "site", pos, end);
    }

    /// <summary>Masks keeping the low n bytes of a u64, n = 0..8.</summary>
    static readonly ulong[] ByteMasks = [0, 0xFF, 0xFFFF, 0xFF_FFFF, 0xFFFF_FFFF, 0xFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF, 0xFF_FFFF_FFFF_FFFF, ulong.MaxValue];

    /// <summary>
    /// Small values (1..8 bytes: a 4-bit significant-byte count, then a masked 8-byte load) and data (longer,
    /// raw) into the batch's byte buffer; returns its length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static int DecodeData(byte[] padded, in ColumnSpans cols, int n, long firstIndex, DecodeScratch scratch, EventBatch batch, int count, in ChunkOrigin origin)
    {
        batch.DataOffsets.AsSpan(0, count).Fill(-1);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref byte dst = ref MemoryMarshal.GetArrayDataReference(batch.Data);
        ref int list = ref MemoryMarshal.GetArrayDataReference(scratch.DataEvents);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref int offsets = ref MemoryMarshal.GetArrayDataReference(batch.DataOffsets);
        ref ulong masks = ref MemoryMarshal.GetArrayDataReference(ByteMasks);
        int small = 0, lengthAt = cols.LengthAt, lengthCount = 2 * (cols.LengthEnd - cols.LengthAt);
        int valuePos = cols.ValueAt, valueEnd = cols.ValueEnd, dataPos = cols.DataAt, dataEnd = cols.DataEnd, outPos = 0;
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
                // The raw buffer is padded, so the 8-byte load past the column's last value stays inside it.
                ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, valuePos));
                if (!BitConverter.IsLittleEndian) v = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
                v &= Unsafe.Add(ref masks, len);
                valuePos += len;
                if (valuePos > valueEnd) ColumnOverrun(origin, padded, firstIndex + i, "values", valuePos - len);
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
        CheckConsumed(origin, "values", valuePos, valueEnd);
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
