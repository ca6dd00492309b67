using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The vector form of the sizes and aux passes, 64 events (a word of the block's column bits) per step: one byte
/// expand (AVX-512 VBMI2 <c>vpexpandb</c>) puts the next column bytes in the lanes of the events that have an entry,
/// zero in the others, and the step checks and widens all 64. Entries are varints, nearly all one byte (sizes and aux
/// operands below 128); a run of one-byte entries goes through the expand, up to the first byte with a continuation
/// bit, whose varint (a copy's size, a packed operand) is read alone, then the next run. A walk of the set bits (the
/// scalar twin, in <see cref="ChunkDecoder"/>) costs a few cycles per entry and a mispredicted exit per word; for
/// the sparse sizes and aux columns (0.15 and 0.2 entries per event on the driver mix) the fixed cost dominates.
/// <para>
/// A step takes a word only when its entries stay inside the column, its 64-byte loads inside the buffer and its 64
/// events inside the batch columns, and its values all pass (sizes: not 0, 1..4096; aux: <see cref="AuxRules.OneByteOk"/>,
/// looked up 64 at a time from <see cref="AuxRules.ClassBits"/>, or <see cref="AuxRules.Ok"/> for a longer varint); it
/// returns the first word not taken, with the position at that word's first entry, and the scalar twin decodes or
/// reports that word. Tested against the twin (OneByteColumnsTests); <c>TRACETOOLS_SIMD=scalar</c> turns it off.
/// </para>
/// </summary>
static class OneByteColumns
{
    /// <summary>True when the expand path runs (AVX-512 VBMI and VBMI2, not forced off).</summary>
    public static readonly bool UseVectors = Avx512Vbmi2.IsSupported && Avx512Vbmi.IsSupported && Bmi2.X64.IsSupported && !SimdSetting.ForcedScalar;

    /// <summary>Per byte lane p: the byte of a broadcast u64 that holds bit p (p / 8: every 128-bit lane holds all eight).</summary>
    internal static readonly byte[] ByteOfLane = Lanes(p => (byte)(p >> 3));
    /// <summary>Per byte lane p: bit p % 8, the lane's bit in its byte.</summary>
    internal static readonly byte[] BitOfLane = Lanes(p => (byte)(1 << (p & 7)));

    static byte[] Lanes(Func<int, byte> f)
    {
        var t = new byte[64];
        for (int p = 0; p < 64; p++) t[p] = f(p);
        return t;
    }

    /// <summary>
    /// Sizes of the events of words <paramref name="word"/>.. of a block (events from <paramref name="start"/>) whose
    /// bit is set in <paramref name="bits"/>, read from <paramref name="padded"/> at <paramref name="pos"/> (advanced; the
    /// column ends at <paramref name="columnEnd"/>) and ORed into <paramref name="sizes"/> (0 there: the classify pass
    /// left the column's sizes 0). Returns the first word not taken (<paramref name="words"/> when all were).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Sizes(byte[] padded, ref int pos, int columnEnd, ulong[] bits, int word, int words, int start, int[] sizes)
    {
        if (!Avx512Vbmi2.IsSupported || !Bmi2.X64.IsSupported) FormatThrow.NoCpuSupport("AVX-512 VBMI2");
        var byteOfLane = Vector512.Create((ReadOnlySpan<byte>)ByteOfLane);
        var bitOfLane = Vector512.Create((ReadOnlySpan<byte>)BitOfLane);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(sizes);
        int p = pos, loadLimit = padded.Length - Vector512<byte>.Count, eventLimit = sizes.Length - 64;
        int w = word;
        for (; w < words; w++)
        {
            int at = start + (w << 6), wordStart = p;
            if (at > eventLimit) break;
            bool stuck = false;
            for (ulong m = bits[w]; m != 0;)
            {
                var (take, n, more) = OneByteRun(ref src, p, loadLimit, columnEnd, m);
                if (n < 0) { stuck = true; break; }
                var values = Avx512Vbmi2.Expand(Vector512<byte>.Zero, MaskOf(take, byteOfLane, bitOfLane), Vector512.LoadUnsafe(ref src, (nuint)p));
                // A size 0 is valid only for a dev_invalidate of all entries: the twin decides.
                if ((Vector512.Equals(values, Vector512<byte>.Zero).ExtractMostSignificantBits() & take) != 0) { stuck = true; break; }
                OrWidened(values, ref Unsafe.Add(ref dst, at));
                p += n;
                m &= ~take;
                if (!more) continue;
                // The entry after the run: a varint of two bytes or more (a copy's size), read here.
                var (size, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, p));
                if (len == 0 || len > columnEnd - p || size - 1 >= TraceEvent.MaxSize) { stuck = true; break; }
                Unsafe.Add(ref dst, at + BitOperations.TrailingZeroCount(m)) = (int)size;
                p += len;
                m &= m - 1;
            }
            if (stuck) { p = wordStart; break; }
        }
        pos = p;
        return w;
    }

    /// <summary>
    /// Aux operands, as <see cref="Sizes"/> (ORed into <paramref name="aux"/>, which the caller cleared), each checked
    /// against its decoded kind (<paramref name="kinds"/>): the word of the first that fails is left to the twin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Aux(byte[] padded, ref int pos, int columnEnd, ulong[] bits, int word, int words, int start, EventKind[] kinds, uint[] aux, AuxRules rules)
    {
        if (!Avx512Vbmi2.IsSupported || !Avx512Vbmi.IsSupported || !Bmi2.X64.IsSupported) FormatThrow.NoCpuSupport("AVX-512 VBMI2");
        if (rules.ClassBits is null) return word;
        var byteOfLane = Vector512.Create((ReadOnlySpan<byte>)ByteOfLane);
        var bitOfLane = Vector512.Create((ReadOnlySpan<byte>)BitOfLane);
        var kindClass = Vector512.Create((ReadOnlySpan<byte>)rules.KindClass);
        var classBitsLo = Vector512.Create((ReadOnlySpan<byte>)rules.ClassBits.AsSpan(0, 64));
        var classBitsHi = Vector512.Create((ReadOnlySpan<byte>)rules.ClassBits.AsSpan(64, 64));
        var seven = Vector512.Create((byte)7);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref byte kindsRef = ref Unsafe.As<EventKind, byte>(ref MemoryMarshal.GetArrayDataReference(kinds));
        ref uint dst = ref MemoryMarshal.GetArrayDataReference(aux);
        int p = pos, loadLimit = padded.Length - Vector512<byte>.Count, eventLimit = Math.Min(aux.Length, kinds.Length) - 64;
        int w = word;
        for (; w < words; w++)
        {
            int at = start + (w << 6), wordStart = p;
            if (at > eventLimit) break;
            bool stuck = false;
            var classes = Avx512Vbmi.PermuteVar64x8(kindClass, Vector512.LoadUnsafe(ref kindsRef, (nuint)at));
            for (ulong m = bits[w]; m != 0;)
            {
                var (take, n, more) = OneByteRun(ref src, p, loadLimit, columnEnd, m);
                if (n < 0) { stuck = true; break; }
                var values = Avx512Vbmi2.Expand(Vector512<byte>.Zero, MaskOf(take, byteOfLane, bitOfLane), Vector512.LoadUnsafe(ref src, (nuint)p));
                // The value's bit in its kind's row of 128 bits: byte class × 16 + value / 8 of ClassBits, bit value % 8.
                var row = Avx512Vbmi.PermuteVar64x8x2(classBitsLo, Vector512.ShiftLeft(classes, 4) | Vector512.ShiftRightLogical(values, 3), classBitsHi);
                var bit = Avx512BW.Shuffle(bitOfLane, values & seven);
                if ((Vector512.Equals(row & bit, Vector512<byte>.Zero).ExtractMostSignificantBits() & take) != 0) { stuck = true; break; }
                OrWidened(values, ref Unsafe.Add(ref dst, at));
                p += n;
                m &= ~take;
                if (!more) continue;
                // The entry after the run: a varint of two bytes or more (a packed operand), read and checked here.
                var (a, len) = Varint.ReadMostlySmall(ref Unsafe.Add(ref src, p));
                int e = at + BitOperations.TrailingZeroCount(m);
                if (len == 0 || len > columnEnd - p || !rules.Ok(Unsafe.Add(ref kindsRef, e), a)) { stuck = true; break; }
                Unsafe.Add(ref dst, e) = (uint)a;
                p += len;
                m &= m - 1;
            }
            if (stuck) { p = wordStart; break; }
        }
        pos = p;
        return w;
    }

    /// <summary>
    /// The run of one-byte entries at <paramref name="p"/> for the events of <paramref name="m"/>: the events it covers
    /// (<paramref name="m"/>'s lowest set bits), its length (-1 when the 64-byte load would leave the buffer or the run
    /// the column), and whether a longer varint follows it (for the next set bit of <paramref name="m"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (ulong Take, int Length, bool More) OneByteRun(ref byte src, int p, int loadLimit, int columnEnd, ulong m)
    {
        if (p > loadLimit) return (0, -1, false);
        int n = BitOperations.PopCount(m);
        // Bytes with the continuation bit among the next n: the first ends the run of one-byte entries.
        ulong continued = Bmi2.X64.ZeroHighBits(Vector512.LoadUnsafe(ref src, (nuint)p).ExtractMostSignificantBits(), (ulong)n);
        if (continued == 0) return n > columnEnd - p ? (0, -1, false) : (m, n, false);
        int k = BitOperations.TrailingZeroCount(continued);
        return k > columnEnd - p ? (0, -1, false) : (Bmi2.X64.ParallelBitDeposit((1UL << k) - 1, m), k, true);
    }

    /// <summary>The byte lanes whose bit is set in <paramref name="m"/>, as a vector mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<byte> MaskOf(ulong m, Vector512<byte> byteOfLane, Vector512<byte> bitOfLane)
    {
        var spread = Avx512BW.Shuffle(Vector512.Create(m).AsByte(), byteOfLane);
        return Vector512.Equals(spread & bitOfLane, bitOfLane);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void OrWidened(Vector512<byte> values, ref int dst)
    {
        var (lo, hi) = Vector512.Widen(values);
        var (a, b) = Vector512.Widen(lo);
        var (c, d) = Vector512.Widen(hi);
        (Vector512.LoadUnsafe(ref dst) | a.AsInt32()).StoreUnsafe(ref dst);
        (Vector512.LoadUnsafe(ref dst, 16) | b.AsInt32()).StoreUnsafe(ref dst, 16);
        (Vector512.LoadUnsafe(ref dst, 32) | c.AsInt32()).StoreUnsafe(ref dst, 32);
        (Vector512.LoadUnsafe(ref dst, 48) | d.AsInt32()).StoreUnsafe(ref dst, 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void OrWidened(Vector512<byte> values, ref uint dst) => OrWidened(values, ref Unsafe.As<uint, int>(ref dst));
}
