using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace TraceTools.TraceFormat.Internals;

/// <summary>Where each variable-width column's reader stands between blocks of a chunk.</summary>
[StructLayout(LayoutKind.Auto)]
struct ColumnCursors
{
    /// <summary>v1: byte position in the address varints; v2/v3: addresses placed (the next unpacked delta).</summary>
    public int Address;
    /// <summary>Byte positions in the sizes, aux, values and data columns.</summary>
    public int Size, Aux, Value, Data;
    /// <summary>Small values placed (the next value length nibble).</summary>
    public int Small;
    /// <summary>v3: byte position in the extension kinds column.</summary>
    public int Extension;
}

// The per-column passes, run block by block (DecodeScratch.BlockEvents events) so that a block's bits and
// batch columns stay in the core's cache between passes. Each walks the set bits of its column in the block's
// ColumnBits (tzcnt, clear lowest): no branch on the event's kind, and a mispredict only where a word's bits
// run out. The v2/v3 address deltas were unpacked for the whole chunk first (SignificantBytes); the small values
// are read in place, one masked 8-byte load each; the rare varint columns (v1 addresses, sizes, aux) read
// through Varint, or, when the whole column holds one-byte varints (sizes below 128, aux operands: one vectorized
// search per chunk), as bytes; every error leaves the loop through a call.
static partial class ChunkDecoder
{
    /// <summary>Set bits among the first <paramref name="events"/> of a block's column bits.</summary>
    static int BitCount(ulong[] bits, int events)
    {
        int n = 0;
        for (int w = 0; w < ColumnBits.Words(events); w++) n += BitOperations.PopCount(bits[w]);
        return n;
    }

    /// <summary>v1 addresses: a zigzag varint delta per event with an address, from the previous address of its slot (agent and stream).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void DecodeAddressVarints(byte[] padded, in ColumnSpans cols, int start, int end, long firstIndex, DecodeScratch scratch, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin)
    {
        batch.Addresses.AsSpan(start, end - start).Clear();
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref ulong bits = ref MemoryMarshal.GetArrayDataReference(scratch.Bits.Address);
        ref ushort slots = ref MemoryMarshal.GetArrayDataReference(scratch.Bits.Slots);
        ref ulong addresses = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Addresses), start);
        ref ulong lastRef = ref scratch.SlotAddresses;
        int pos = cursors.Address, endPos = cols.AddrEnd;
        for (int w = 0, words = ColumnBits.Words(end - start); w < words; w++)
        {
            for (ulong m = Unsafe.Add(ref bits, w); m != 0; m &= m - 1)
            {
                int b = (w << 6) + BitOperations.TrailingZeroCount(m);
                var (zz, len) = Varint.Read(ref Unsafe.Add(ref src, pos));
                pos += len;
                if (len == 0 || pos > endPos) ColumnOverrun(origin, padded, firstIndex + start + b, "address", pos - len);
                // The slot's agent < agent count was checked by the classify pass.
                ref ulong prev = ref Unsafe.Add(ref lastRef, Unsafe.Add(ref slots, b));
                ulong address = prev + (ulong)Varint.UnZigZag(zz);
                prev = address;
                Unsafe.Add(ref addresses, b) = address;
            }
        }
        cursors.Address = pos;
    }

    /// <summary>
    /// v2/v3 addresses: adds each unpacked delta (zigzag-decoded by the unpack) to the previous address of its event's
    /// slot (agent and stream). The deltas were unpacked for the whole chunk; there are enough of them (<see cref="Decode"/> checks).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void PlaceAddressDeltas(int start, int end, DecodeScratch scratch, EventBatch batch, ref ColumnCursors cursors)
    {
        batch.Addresses.AsSpan(start, end - start).Clear();
        ref ulong bits = ref MemoryMarshal.GetArrayDataReference(scratch.Bits.Address);
        ref ushort slots = ref MemoryMarshal.GetArrayDataReference(scratch.Bits.Slots);
        ref ulong deltas = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(scratch.Deltas), cursors.Address);
        ref ulong addresses = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Addresses), start);
        ref ulong lastRef = ref scratch.SlotAddresses;
        // A slot's running address is a chain of adds; through memory (load, add, store, load) each link waits
        // for a store to forward, about 5 cycles. So the current slot's address stays in a register: when the
        // event's slot is the previous event's, the load reads the spare slot (never stored, so it waits for
        // nothing and reads 0) and the register is taken instead; both choices are masks, not branches (a ternary
        // here became branches, which mispredict on an interleaving of agents). The loop is then bound by its
        // instructions (address events are 4 in 5 on the driver mix), so it is kept short: the spare sits just
        // before slot 0, where index `slot | same` (-1 when same) picks it with one or, and as it reads 0 the sum needs
        // no mask of its own (18 instructions an address where the xor-select form took 22: the column decode
        // 1.09x as fast, 8 of 10 pinned pairs). Summing one slot at a time instead (a pass per slot, its events
        // found by vector compares of the slot numbers) ran about 0.8x as fast: the driver mix's blocks hold about
        // 18 slots, so an inner loop per slot and word, each ending at a likely mispredicted exit.
        // A slot is a ushort, so the xor of two less one is negative only when they are equal, and the first event's
        // compare is with 2^16, which no slot equals.
        nuint previous = 1u << 16;
        ulong current = 0;
        nuint k = 0;
        for (nuint w = 0, words = (nuint)ColumnBits.Words(end - start); w < words; w++)
        {
            ref ushort wordSlots = ref Unsafe.Add(ref slots, w << 6);
            ref ulong wordAddresses = ref Unsafe.Add(ref addresses, w << 6);
            for (ulong m = Unsafe.Add(ref bits, w); m != 0; m &= m - 1)
            {
                nuint b = (uint)BitOperations.TrailingZeroCount(m);
                nuint slot = Unsafe.Add(ref wordSlots, b);
                nuint same = (nuint)((nint)((slot ^ previous) - 1) >> 63); // all ones when the slot is the previous event's
                ulong stored = Unsafe.Add(ref lastRef, (nint)(slot | same));
                current = (current & same) + (stored + Unsafe.Add(ref deltas, k));
                k++;
                Unsafe.Add(ref lastRef, slot) = current;
                previous = slot;
                Unsafe.Add(ref wordAddresses, b) = current;
            }
        }
        cursors.Address += (int)k;
    }

    /// <summary>
    /// The sizes column of events [<paramref name="start"/>, <paramref name="end"/>) (one block, its bits in
    /// <paramref name="columnBits"/>); <paramref name="vectors"/> lets a column of one-byte varints go through
    /// <see cref="OneByteColumns.Sizes"/> (the walk of set bits here is its scalar twin).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    internal static void DecodeSizes(byte[] padded, in ColumnSpans cols, int start, int end, long firstIndex, bool oneByte, ColumnBits columnBits, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin, bool vectors)
    {
        int pos = cursors.Size, endPos = cols.SizeEnd, words = ColumnBits.Words(end - start);
        if (vectors)
        {
            // The expand stops at a word it cannot take (a varint of two bytes or more, a size 0, the column's or the
            // buffer's end): the varint walk takes that word.
            for (int w = 0; (w = OneByteColumns.Sizes(padded, ref pos, endPos, columnBits.Size, w, words, start, batch.Sizes)) < words; w++)
                VarintSizes(padded, endPos, ref pos, columnBits, w, w + 1, start, firstIndex, batch, origin);
        }
        // Every size is one byte (1..127, or 0 for a dev_invalidate of all entries) and the block's are there.
        else if (oneByte && BitCount(columnBits.Size, end - start) <= endPos - pos) OneByteSizes(padded, ref pos, columnBits, 0, words, start, firstIndex, batch, origin);
        else VarintSizes(padded, endPos, ref pos, columnBits, 0, words, start, firstIndex, batch, origin);
        cursors.Size = pos;
    }

    /// <summary>Sizes of the block's words [<paramref name="word"/>, <paramref name="words"/>), a walk of their set bits reading varints.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void VarintSizes(byte[] padded, int endPos, ref int position, ColumnBits columnBits, int word, int words, int start, long firstIndex, EventBatch batch, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref ulong bits = ref MemoryMarshal.GetArrayDataReference(columnBits.Size);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref ulong addresses = ref MemoryMarshal.GetArrayDataReference(batch.Addresses);
        ref EventKind kinds = ref MemoryMarshal.GetArrayDataReference(batch.Kinds);
        int pos = position;
        for (int w = word; w < words; w++)
        {
            for (ulong m = Unsafe.Add(ref bits, w); m != 0; m &= m - 1)
            {
                int i = start + (w << 6) + BitOperations.TrailingZeroCount(m);
                var (s, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, pos));
                pos += len;
                if (len == 0 || pos > endPos) ColumnOverrun(origin, padded, firstIndex + i, "size", pos - len);
                // Size 0 only for dev_invalidate of all entries, whose address is 0 too.
                if (s - 1 >= TraceEvent.MaxSize
                    && !(s == 0 && Unsafe.Add(ref kinds, i) == EventKind.DevInvalidate && Unsafe.Add(ref addresses, i) == 0))
                    BadSize(origin, firstIndex + i, Unsafe.Add(ref kinds, i), s, pos - len);
                Unsafe.Add(ref sizes, i) = (int)s;
            }
        }
        position = pos;
    }

    /// <summary>One-byte sizes of the block's words [<paramref name="word"/>, <paramref name="words"/>), a walk of their set bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void OneByteSizes(byte[] padded, ref int position, ColumnBits columnBits, int word, int words, int start, long firstIndex, EventBatch batch, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref ulong bits = ref MemoryMarshal.GetArrayDataReference(columnBits.Size);
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(batch.Sizes);
        ref ulong addresses = ref MemoryMarshal.GetArrayDataReference(batch.Addresses);
        ref EventKind kinds = ref MemoryMarshal.GetArrayDataReference(batch.Kinds);
        // No call in the loop (an error jumps past it), so that the JIT keeps its counters in registers.
        int pos = position, i = 0;
        for (int w = word; w < words; w++)
        {
            for (ulong m = Unsafe.Add(ref bits, w); m != 0; m &= m - 1)
            {
                i = start + (w << 6) + BitOperations.TrailingZeroCount(m);
                int s = Unsafe.Add(ref src, pos++);
                if (s == 0 && !(Unsafe.Add(ref kinds, i) == EventKind.DevInvalidate && Unsafe.Add(ref addresses, i) == 0)) goto Bad;
                Unsafe.Add(ref sizes, i) = s;
            }
        }
        position = pos;
        return;
    Bad:
        BadSize(origin, firstIndex + i, Unsafe.Add(ref kinds, i), 0, pos - 1);
    }

    /// <summary>
    /// The aux column of one block, as <see cref="DecodeSizes"/> (<see cref="OneByteColumns.Aux"/> for a column of
    /// one-byte varints when <paramref name="vectors"/>); each value checked against its event's decoded kind.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    internal static void DecodeAux(byte[] padded, in ColumnSpans cols, int start, int end, long firstIndex, bool oneByte, EventContext ctx, ColumnBits columnBits, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin, bool vectors)
    {
        batch.Aux.AsSpan(start, end - start).Clear();
        int pos = cursors.Aux, endPos = cols.AuxEnd, words = ColumnBits.Words(end - start);
        if (vectors)
        {
            // The expand stops at a word it cannot take (a varint of two bytes or more, a bad value, the column's or
            // the buffer's end): the varint walk takes that word.
            for (int w = 0; (w = OneByteColumns.Aux(padded, ref pos, endPos, columnBits.Aux, w, words, start, batch.Kinds, batch.Aux, ctx.AuxRules)) < words; w++)
                VarintAux(padded, endPos, ref pos, columnBits, w, w + 1, start, firstIndex, ctx, batch, origin);
        }
        // Every aux is one byte (below 128) and the block's are there: no varint to decode, no end to check.
        else if (oneByte && BitCount(columnBits.Aux, end - start) <= endPos - pos) OneByteAux(padded, ref pos, columnBits, 0, words, start, firstIndex, ctx, batch, origin);
        else VarintAux(padded, endPos, ref pos, columnBits, 0, words, start, firstIndex, ctx, batch, origin);
        cursors.Aux = pos;
    }

    /// <summary>Aux operands of the block's words [<paramref name="word"/>, <paramref name="words"/>), a walk of their set bits reading varints.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void VarintAux(byte[] padded, int endPos, ref int position, ColumnBits columnBits, int word, int words, int start, long firstIndex, EventContext ctx, EventBatch batch, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref ulong bits = ref MemoryMarshal.GetArrayDataReference(columnBits.Aux);
        ref uint aux = ref MemoryMarshal.GetArrayDataReference(batch.Aux);
        ref EventKind kinds = ref MemoryMarshal.GetArrayDataReference(batch.Kinds);
        var rules = ctx.AuxRules;
        ref byte oneByteOk = ref MemoryMarshal.GetArrayDataReference(rules.OneByteOk);
        int pos = position;
        for (int w = word; w < words; w++)
        {
            for (ulong m = Unsafe.Add(ref bits, w); m != 0; m &= m - 1)
            {
                int i = start + (w << 6) + BitOperations.TrailingZeroCount(m);
                // Nearly every operand is one byte (a driver mix's column holds a few three-byte dma_map operands, which
                // send the whole chunk here): checked with one load of OneByteOk, which is Ok for values below 128.
                uint first = Unsafe.Add(ref src, pos);
                if (first < AuxRules.OneByteValues && pos < endPos)
                {
                    int k = (int)Unsafe.Add(ref kinds, i);
                    if (Unsafe.Add(ref oneByteOk, k * AuxRules.OneByteValues + (int)first) == 0) BadAux(origin, ctx, firstIndex + i, (EventKind)k, first, pos);
                    Unsafe.Add(ref aux, i) = first;
                    pos++;
                    continue;
                }
                var (a, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, pos));
                pos += len;
                if (len == 0 || pos > endPos) ColumnOverrun(origin, padded, firstIndex + i, "aux", pos - len);
                // The decoded kind (the classify pass wrote the extended ones), not the kind byte's nibble.
                int kind = (int)Unsafe.Add(ref kinds, i);
                if (!rules.Ok(kind, a)) BadAux(origin, ctx, firstIndex + i, (EventKind)kind, a, pos - len);
                Unsafe.Add(ref aux, i) = (uint)a;
            }
        }
        position = pos;
    }

    /// <summary>
    /// One-byte aux operands of the block's words [<paramref name="word"/>, <paramref name="words"/>), a walk of their
    /// set bits; the check is one table load (the decoded kind is below <see cref="EventKinds.Count"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void OneByteAux(byte[] padded, ref int position, ColumnBits columnBits, int word, int words, int start, long firstIndex, EventContext ctx, EventBatch batch, in ChunkOrigin origin)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref ulong bits = ref MemoryMarshal.GetArrayDataReference(columnBits.Aux);
        ref uint aux = ref MemoryMarshal.GetArrayDataReference(batch.Aux);
        ref EventKind kinds = ref MemoryMarshal.GetArrayDataReference(batch.Kinds);
        ref byte oneByteOk = ref MemoryMarshal.GetArrayDataReference(ctx.AuxRules.OneByteOk);
        // No call in the loop (an error jumps past it), so that the JIT keeps its counters in registers.
        int pos = position, i = 0;
        uint a = 0;
        for (int w = word; w < words; w++)
        {
            for (ulong m = Unsafe.Add(ref bits, w); m != 0; m &= m - 1)
            {
                i = start + (w << 6) + BitOperations.TrailingZeroCount(m);
                a = Unsafe.Add(ref src, pos++);
                if (Unsafe.Add(ref oneByteOk, (int)Unsafe.Add(ref kinds, i) * AuxRules.OneByteValues + (int)a) == 0) goto Bad;
                Unsafe.Add(ref aux, i) = a;
            }
        }
        position = pos;
        return;
    Bad:
        BadAux(origin, ctx, firstIndex + i, Unsafe.Add(ref kinds, i), a, pos - 1);
    }

    /// <summary>Masks keeping the low n bytes of a u64, n = 0..8 (a value length nibble above 8 was refused before the blocks).</summary>
    static readonly ulong[] ByteMasks = [0, 0xFF, 0xFFFF, 0xFF_FFFF, 0xFFFF_FFFF, 0xFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF, 0xFF_FFFF_FFFF_FFFF, ulong.MaxValue];

    /// <summary>
    /// Where the bytes of the events that carry them are: data (more than 8 bytes) where the payload's data column
    /// has them, no copy; small values (1..8 bytes, the significant bytes of each: one masked 8-byte load from the
    /// values column) to an 8-byte slot each from <paramref name="valuesAt"/>, past the payload and its padding.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="kernel"/> other than scalar, words go through <see cref="DataPlacement.Place"/> or
    /// <see cref="DataPlacement.PlaceAvx2"/> (the small values' slots were filled for the whole chunk:
    /// <see cref="UnpackSmallValues"/>; for AVX2 their lengths unpacked into <paramref name="lengths"/>:
    /// <see cref="UnpackLengthNibbles"/>), and a word the step does not take through the walk of set bits here, its scalar twin.
    /// </remarks>
    internal static void PlaceData(byte[] padded, in ColumnSpans cols, int start, int end, long firstIndex, int valuesAt, ColumnBits columnBits, EventBatch batch,
        ref ColumnCursors cursors, in ChunkOrigin origin, PlacementKernel kernel, byte[] lengths)
    {
        int words = ColumnBits.Words(end - start);
        if (kernel == PlacementKernel.Scalar)
        {
            batch.DataOffsets.AsSpan(start, end - start).Fill(-1);
            PlaceDataWords(padded, cols, start, 0, words, firstIndex, valuesAt, columnBits, batch, ref cursors, origin);
            return;
        }
        // The vector steps write every offset of the words they take; the walk only those of the events with bytes.
        for (int w = 0; (w = kernel == PlacementKernel.Avx512
                 ? DataPlacement.Place(padded, cols, valuesAt, columnBits.Data, w, words, start, batch.Sizes, batch.DataOffsets, ref cursors)
                 : DataPlacement.PlaceAvx2(cols, lengths, valuesAt, columnBits.Data, w, words, start, batch.Sizes, batch.DataOffsets, ref cursors)) < words; w++)
        {
            int at = start + (w << 6);
            batch.DataOffsets.AsSpan(at, Math.Min(64, end - at)).Fill(-1);
            PlaceDataWords(padded, cols, start, w, w + 1, firstIndex, valuesAt, columnBits, batch, ref cursors, origin);
        }
    }

    /// <summary>
    /// Before <see cref="DataPlacement.Place"/>: every small value of the chunk into its slot, in value order (slot k at
    /// <paramref name="valuesAt"/> + 8k), two per lengths byte (<see cref="SignificantBytes.Unpack"/>); as many as the
    /// events can hold (a longer lengths column is reported after the blocks). The lengths were checked against the
    /// values column.
    /// </summary>
    internal static void UnpackSmallValues(byte[] padded, in ColumnSpans cols, int count, int valuesAt)
    {
        int lengthBytes = SmallValueLengthBytes(cols, count);
        SignificantBytes.Unpack(padded.AsSpan(cols.LengthAt, lengthBytes), padded.AsSpan(cols.ValueAt, valuesAt - cols.ValueAt),
            MemoryMarshal.Cast<byte, ulong>(padded.AsSpan(valuesAt, 16 * lengthBytes)));
    }

    /// <summary>
    /// The lengths bytes both unpacks before the blocks take (the step after them reads as many values as each has):
    /// the column's, or as many as the events can use when it is longer (reported after the blocks).
    /// </summary>
    static int SmallValueLengthBytes(in ColumnSpans cols, int count) => Math.Min(cols.LengthEnd - cols.LengthAt, (count + 1) / 2);

    /// <summary>
    /// Before <see cref="DataPlacement.PlaceAvx2"/>: the value lengths of the chunk one byte each, as many as
    /// <see cref="UnpackSmallValues"/> unpacks, into <paramref name="lengths"/> (grown to hold them and 8 bytes more, which
    /// the step's 8-byte loads may read). A plain loop: half a byte of nibbles per small value, a small share of the step.
    /// </summary>
    internal static void UnpackLengthNibbles(byte[] padded, in ColumnSpans cols, int count, ref byte[] lengths)
    {
        int lengthBytes = SmallValueLengthBytes(cols, count);
        if (lengths.Length < 2 * lengthBytes + sizeof(ulong)) lengths = new byte[Math.Max(2 * lengthBytes + sizeof(ulong), 2 * lengths.Length)];
        var src = padded.AsSpan(cols.LengthAt, lengthBytes);
        var dst = lengths.AsSpan(0, 2 * lengthBytes + sizeof(ulong));
        for (int k = 0; k < src.Length; k++)
        {
            dst[2 * k] = (byte)(src[k] & 0xF);
            dst[2 * k + 1] = (byte)(src[k] >> 4);
        }
        dst[(2 * lengthBytes)..].Clear();
    }

    /// <summary>The bytes of the block's words [<paramref name="word"/>, <paramref name="words"/>), a walk of their set bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static void PlaceDataWords(byte[] padded, in ColumnSpans cols, int start, int word, int words, long firstIndex, int valuesAt, ColumnBits columnBits, EventBatch batch, ref ColumnCursors cursors, in ChunkOrigin origin)
    {
        // No call inside the loop (its errors jump past it): a call there makes the JIT keep the loop's counters
        // in stack slots, and each event then waits for its own stores to forward.
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref byte nibbles = ref Unsafe.Add(ref src, cols.LengthAt);
        ref ulong bits = ref MemoryMarshal.GetArrayDataReference(columnBits.Data);
        ref int sizes = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Sizes), start);
        ref int offsets = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.DataOffsets), start);
        int small = cursors.Small, lengthCount = 2 * (cols.LengthEnd - cols.LengthAt);
        // The nibbles add up to the values column (checked before the blocks), so valuePos + 8 stays inside the padded payload.
        int valuePos = cursors.Value;
        int dataPos = cursors.Data, dataEnd = cols.DataEnd;
        int b = 0, size = 0, len = 0;
        for (int w = word; w < words; w++)
        {
            for (ulong m = Unsafe.Add(ref bits, w); m != 0; m &= m - 1)
            {
                b = (w << 6) + BitOperations.TrailingZeroCount(m);
                size = Unsafe.Add(ref sizes, b);
                if (size <= FormatLayout.SmallValueMaxSize)
                {
                    if (small >= lengthCount) goto Bad;
                    len = (Unsafe.Add(ref nibbles, small >> 1) >> ((small & 1) << 2)) & 0xF;
                    if (len > size) goto Bad;
                    ulong v = LowBytes(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, valuePos)), len);
                    valuePos += len;
                    // Decode checked that the buffer has a slot for every value the lengths column holds.
                    int slot = valuesAt + 8 * small;
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref src, slot), BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v));
                    Unsafe.Add(ref offsets, b) = slot;
                    small++;
                }
                else
                {
                    if (size > dataEnd - dataPos) goto Bad;
                    Unsafe.Add(ref offsets, b) = dataPos;
                    dataPos += size;
                }
            }
        }
        cursors.Small = small;
        cursors.Value = valuePos;
        cursors.Data = dataPos;
        return;
    Bad:
        BadData(origin, padded, firstIndex + start + b, size, small, lengthCount, len, cols.LengthEnd, cols.LengthAt + (small >> 1), dataPos, dataEnd);
    }

    /// <summary>What is wrong with the bytes of the event <see cref="PlaceData"/> stopped at.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    static void BadData(in ChunkOrigin origin, byte[] padded, long index, int size, int small, int lengthCount, int length, int lengthEnd, int nibbleAt, int dataPos, int dataEnd)
    {
        if (size > FormatLayout.SmallValueMaxSize)
            origin.Fail(dataPos, $"event {index} needs {size} data bytes, but the data column has {dataEnd - dataPos} left");
        if (small >= lengthCount) ColumnOverrun(origin, padded, index, "value lengths", lengthEnd);
        BadValueLength(origin, index, size, length, nibbleAt);
    }

    /// <summary>The value of the <paramref name="n"/> (0..8) low-address bytes of <paramref name="bytes"/>, read as a native u64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong LowBytes(ulong bytes, int n)
    {
        if (!BitConverter.IsLittleEndian) bytes = BinaryPrimitives.ReverseEndianness(bytes);
        return Bmi2.X64.IsSupported ? Bmi2.X64.ZeroHighBits(bytes, (ulong)(8 * n)) : bytes & Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ByteMasks), n);
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
