using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Columns of u64 values stored as their significant bytes (the Stream VByte layout for 64-bit values): a
/// lengths column of one 4-bit byte count (0..8) per value, two per byte, low nibble first, and a bytes
/// column holding each value's low n bytes back to back. Used by the values column (v1, v2) and the
/// address deltas (v2). Decoding needs no per-byte branch and no dependency between values but the running
/// position, which only adds lengths already in the lengths column.
/// <para>
/// <see cref="Unpack"/> has a vector path (one byte shuffle per lengths byte: two values at once, SSSE3 or
/// AdvSimd) and its scalar twin (one masked 8-byte load per value), tested against each other;
/// <c>TRACETOOLS_SIMD=scalar</c> forces the scalar path.
/// </para>
/// </summary>
static class SignificantBytes
{
    /// <summary>Readable bytes the unpack loops need past the last value: one 16-byte load.</summary>
    public const int Slack = 16;

    /// <summary>True when <see cref="Unpack"/> takes the shuffle path.</summary>
    public static readonly bool UseVectors = (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported) && BitConverter.IsLittleEndian
        && !SimdSetting.ForcedScalar;

    /// <summary>Masks keeping the low n bytes of a u64, n = 0..8.</summary>
    static readonly ulong[] ByteMasks = [0, 0xFF, 0xFFFF, 0xFF_FFFF, 0xFFFF_FFFF, 0xFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF, 0xFF_FFFF_FFFF_FFFF, ulong.MaxValue];

    /// <summary>
    /// Per lengths byte (low nibble n0, high nibble n1): a 16-byte shuffle that moves the n0 bytes of the first
    /// value into lane 0 and the n1 bytes of the second into lane 1, zeroing the rest (index 0x80 reads as 0 in
    /// both pshufb and tbl). Bytes with a nibble above 8 never reach the shuffle (<see cref="TotalLength"/>).
    /// </summary>
    static readonly byte[] Shuffles = BuildShuffles();

    static byte[] BuildShuffles()
    {
        var t = new byte[256 * 16];
        for (int c = 0; c < 256; c++)
        {
            int n0 = Math.Min(c & 0xF, 8), n1 = Math.Min(c >> 4, 8);
            for (int b = 0; b < 8; b++)
            {
                t[c * 16 + b] = b < n0 ? (byte)b : (byte)0x80;
                t[c * 16 + 8 + b] = b < n1 ? (byte)(n0 + b) : (byte)0x80;
            }
        }
        return t;
    }

    /// <summary>
    /// The bytes the values of <paramref name="lengths"/> (two per byte) occupy, or -1 when a nibble exceeds 8.
    /// Eight lengths bytes at a time: each byte's two nibbles are summed in place, and a nibble n is over 8
    /// exactly when n + 7 sets bit 4 of its byte.
    /// </summary>
    public static long TotalLength(ReadOnlySpan<byte> lengths)
    {
        const ulong Low = 0x0F0F_0F0F_0F0F_0F0FUL, Seven = 0x0707_0707_0707_0707UL, Bit4 = 0x1010_1010_1010_1010UL, Ones = 0x0101_0101_0101_0101UL;
        ref byte l = ref MemoryMarshal.GetReference(lengths);
        long total = 0;
        ulong over = 0;
        int j = 0;
        for (; j + 8 <= lengths.Length; j += 8)
        {
            ulong x = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref l, j));
            ulong lo = x & Low, hi = (x >> 4) & Low;
            over |= ((lo + Seven) | (hi + Seven)) & Bit4;
            total += (long)(((lo + hi) * Ones) >> 56); // sum of eight bytes of at most 16 each
        }
        for (; j < lengths.Length; j++)
        {
            int c = Unsafe.Add(ref l, j), n0 = c & 0xF, n1 = c >> 4;
            over |= (ulong)((n0 + 7) | (n1 + 7)) & 0x10;
            total += n0 + n1;
        }
        return over != 0 ? -1 : total;
    }

    /// <summary>
    /// Unpacks two values per byte of <paramref name="lengths"/> into <paramref name="dst"/> (at least twice its
    /// length) from <paramref name="bytes"/>: the values' bytes followed by at least <see cref="Slack"/> readable
    /// bytes (the padded decode buffer has them). Lengths must have been checked by <see cref="TotalLength"/>;
    /// lengths that run past the bytes throw instead of reading outside them.
    /// </summary>
    /// <remarks>
    /// With <paramref name="zigZag"/>, each value is a zigzag-coded delta (the address deltas) and is written decoded,
    /// as the two's complement u64 of the signed delta: the pass that adds the deltas then has one load per address.
    /// </remarks>
    public static void Unpack(ReadOnlySpan<byte> lengths, ReadOnlySpan<byte> bytes, Span<ulong> dst, bool zigZag = false)
    {
        if (UseWide) UnpackWide(lengths, bytes, dst, zigZag);
        else if (UseVectors) UnpackVector(lengths, bytes, dst, zigZag);
        else UnpackScalar(lengths, bytes, dst, zigZag);
    }

    /// <summary>The scalar twin: one masked 8-byte load per value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnpackScalar(ReadOnlySpan<byte> lengths, ReadOnlySpan<byte> bytes, Span<ulong> dst, bool zigZag = false)
    {
        CheckRoom(lengths, bytes, dst);
        ref byte l = ref MemoryMarshal.GetReference(lengths);
        ref byte src = ref MemoryMarshal.GetReference(bytes);
        ref ulong d = ref MemoryMarshal.GetReference(dst);
        ref ulong masks = ref MemoryMarshal.GetArrayDataReference(ByteMasks);
        nint pos = 0, limit = bytes.Length - Slack;
        for (int j = 0; j < lengths.Length; j++)
        {
            if (pos > limit) FormatThrow.Argument("the lengths run past the bytes: check them with TotalLength first", "lengths");
            int c = Unsafe.Add(ref l, j), n0 = c & 0xF, n1 = c >> 4;
            ulong v0 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, pos));
            ulong v1 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, pos + n0));
            if (!BitConverter.IsLittleEndian)
            {
                v0 = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v0);
                v1 = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v1);
            }
            v0 &= Unsafe.Add(ref masks, n0);
            v1 &= Unsafe.Add(ref masks, n1);
            if (zigZag)
            {
                v0 = (ulong)Varint.UnZigZag(v0);
                v1 = (ulong)Varint.UnZigZag(v1);
            }
            Unsafe.Add(ref d, 2 * j) = v0;
            Unsafe.Add(ref d, 2 * j + 1) = v1;
            pos += n0 + n1;
        }
    }

    /// <summary>The vector path: per lengths byte one 16-byte load, one shuffle, one 16-byte store.</summary>
    public static void UnpackVector(ReadOnlySpan<byte> lengths, ReadOnlySpan<byte> bytes, Span<ulong> dst, bool zigZag = false)
    {
        if (!Ssse3.IsSupported && !AdvSimd.Arm64.IsSupported) FormatThrow.NoCpuSupport("byte shuffle");
        CheckRoom(lengths, bytes, dst);
        UnpackVectorFrom(lengths, bytes, dst, zigZag, 0, 0);
    }

    /// <summary>The 16-byte loop from lengths byte <paramref name="first"/>, whose first value is at <paramref name="pos"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void UnpackVectorFrom(ReadOnlySpan<byte> lengths, ReadOnlySpan<byte> bytes, Span<ulong> dst, bool zigZag, int first, nint pos)
    {
        ref byte l = ref MemoryMarshal.GetReference(lengths);
        ref byte src = ref MemoryMarshal.GetReference(bytes);
        ref byte d = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetReference(dst));
        ref byte shuffles = ref MemoryMarshal.GetArrayDataReference(Shuffles);
        nint limit = bytes.Length - Slack;
        for (int j = first; j < lengths.Length; j++)
        {
            if (pos > limit) FormatThrow.Argument("the lengths run past the bytes: check them with TotalLength first", "lengths");
            int c = Unsafe.Add(ref l, j);
            var data = Vector128.LoadUnsafe(ref src, (nuint)pos);
            var shuffle = Vector128.LoadUnsafe(ref shuffles, (nuint)(c * 16));
            var values = (Ssse3.IsSupported ? Ssse3.Shuffle(data, shuffle) : AdvSimd.Arm64.VectorTableLookup(data, shuffle)).AsUInt64();
            if (zigZag) values = Vector128.ShiftRightLogical(values, 1) ^ (Vector128<ulong>.Zero - (values & Vector128<ulong>.One));
            values.AsByte().StoreUnsafe(ref d, (nuint)(16 * j));
            pos += (c & 0xF) + (c >> 4);
        }
    }

    /// <summary>True when <see cref="Unpack"/> takes the 64-byte path (AVX-512 VBMI and BMI2).</summary>
    public static readonly bool UseWide = Avx512Vbmi.IsSupported && Bmi2.X64.IsSupported && BitConverter.IsLittleEndian && !SimdSetting.ForcedScalar;

    /// <summary>Per byte lane L of a 64-byte step: the value it belongs to (L / 8) and its byte in the value (L % 8).</summary>
    static readonly byte[] LaneValue = [.. Enumerable.Range(0, 64).Select(L => (byte)(L >> 3))], LaneByte = [.. Enumerable.Range(0, 64).Select(L => (byte)(L & 7))];

    /// <summary>
    /// The 64-byte path: four lengths bytes (eight values) per step, while a 64-byte window fits in the bytes, then the
    /// 16-byte loop. The eight lengths go one per byte of a u64 (BMI2 <c>pdep</c>); one multiply sums them into each
    /// byte (every prefix is at most 64), so each value's first byte is known without a chain; a byte shuffle of the
    /// 64-byte window (VBMI <c>vpermb</c>) by value start + byte, zeroing the bytes past each value's length, writes the
    /// eight values. Twice the values per step of <see cref="UnpackVector"/>, and no table load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnpackWide(ReadOnlySpan<byte> lengths, ReadOnlySpan<byte> bytes, Span<ulong> dst, bool zigZag = false)
    {
        if (!Avx512Vbmi.IsSupported || !Bmi2.X64.IsSupported || !Ssse3.IsSupported) FormatThrow.NoCpuSupport("AVX-512 VBMI");
        CheckRoom(lengths, bytes, dst);
        ref byte l = ref MemoryMarshal.GetReference(lengths);
        ref byte src = ref MemoryMarshal.GetReference(bytes);
        ref ulong d = ref MemoryMarshal.GetReference(dst);
        var laneValue = Vector512.Create((ReadOnlySpan<byte>)LaneValue);
        var laneByte = Vector512.Create((ReadOnlySpan<byte>)LaneByte);
        nint pos = 0, limit = bytes.Length - Vector512<byte>.Count;
        int j = 0;
        for (; j + 4 <= lengths.Length && pos <= limit; j += 4)
        {
            ulong n = Bmi2.X64.ParallelBitDeposit(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref l, j)), 0x0F0F_0F0F_0F0F_0F0FUL);
            ulong through = n * 0x0101_0101_0101_0101UL; // byte v: the lengths of values 0..v added up
            var count = Avx512Vbmi.PermuteVar64x8(Vector512.Create(n).AsByte(), laneValue);
            var first = Avx512Vbmi.PermuteVar64x8(Vector512.Create(through - n).AsByte(), laneValue);
            var window = Vector512.LoadUnsafe(ref src, (nuint)pos);
            var values = (Avx512Vbmi.PermuteVar64x8(window, first + laneByte) & Vector512.LessThan(laneByte, count)).AsUInt64();
            if (zigZag) values = Vector512.ShiftRightLogical(values, 1) ^ (Vector512<ulong>.Zero - (values & Vector512<ulong>.One));
            values.StoreUnsafe(ref d, (nuint)(2 * j));
            pos += (nint)(through >> 56);
        }
        UnpackVectorFrom(lengths, bytes, dst, zigZag, j, pos);
    }

    /// <summary>The loops write two values per lengths byte and read a 16-byte window at each value.</summary>
    static void CheckRoom(ReadOnlySpan<byte> lengths, ReadOnlySpan<byte> bytes, Span<ulong> dst)
    {
        if (dst.Length < 2 * lengths.Length) FormatThrow.Argument("destination shorter than two values per lengths byte", nameof(dst));
        if (bytes.Length < Slack) FormatThrow.Argument($"bytes need {Slack} bytes of slack", nameof(bytes));
    }
}
