using System.Runtime.CompilerServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// LEB128 unsigned varints (7 bits a byte, low first, at most 10 bytes) and zigzag for signed deltas.
/// Readers run over buffers padded by <see cref="Padding"/> bytes, so a varint never needs a bounds
/// check per byte: the caller checks the position against the column end once afterwards.
/// </summary>
static class Varint
{
    /// <summary>Longest encoding of a u64.</summary>
    public const int MaxLength = 10;
    /// <summary>Zero bytes kept after every decode buffer so that unchecked reads stay inside it.</summary>
    public const int Padding = 16;

    /// <summary>Maps signed to unsigned so that small magnitudes stay short: 0,-1,1,-2 → 0,1,2,3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

    /// <summary>Inverse of <see cref="ZigZag"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long UnZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    /// <summary>Bytes <see cref="Write"/> uses for <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(ulong v) => LengthByLeadingZeros[System.Numerics.BitOperations.LeadingZeroCount(v | 1)];

    /// <summary>Varint length by the value's leading zero count (0..63): 1 + (63 - lzcnt) / 7 without the division.</summary>
    static ReadOnlySpan<byte> LengthByLeadingZeros =>
    [
        10, 9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 5, 5, 5,
        5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
    ];

    /// <summary>Writes <paramref name="v"/> at <paramref name="pos"/> (room for 10 bytes is the caller's) and advances.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(byte[] buffer, ref int pos, ulong v)
    {
        int p = pos;
        while (v >= 0x80)
        {
            buffer[p++] = (byte)(v | 0x80);
            v >>= 7;
        }
        buffer[p++] = (byte)v;
        pos = p;
    }

    /// <summary>
    /// Writes <paramref name="v"/> at <paramref name="at"/> and returns its length, branch-free for values
    /// below 2^56 (1..8 bytes): the 7-bit groups are spread into bytes with shifts and masks, the
    /// continuation bits set on all but the last byte, and one 8-byte store writes them. The caller
    /// guarantees 8 writable bytes at <paramref name="at"/> (10 for values from 2^56 up); bytes past the
    /// returned length are scratch, overwritten by the next write. Address deltas mix lengths, so a
    /// byte-at-a-time loop would mispredict on them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteUnchecked(ref byte at, ulong v)
    {
        if (v >= 1UL << 56 || !BitConverter.IsLittleEndian) return WriteLong(ref at, v);
        int length = Length(v);
        ulong x = (v & 0x7FUL) | ((v << 1) & 0x7F00UL) | ((v << 2) & 0x7F_0000UL) | ((v << 3) & 0x7F00_0000UL)
            | ((v << 4) & 0x7F_0000_0000UL) | ((v << 5) & 0x7F00_0000_0000UL) | ((v << 6) & 0x7F_0000_0000_0000UL)
            | ((v << 7) & 0x7F00_0000_0000_0000UL);
        x |= 0x8080_8080_8080_8080UL & ((1UL << ((length - 1) * 8)) - 1);
        Unsafe.WriteUnaligned(ref at, x);
        return length;
    }

    /// <summary>
    /// <see cref="WriteUnchecked"/> behind one branch for values below 128: sites, sizes and aux operands are
    /// nearly always one byte, and a predictable branch beats the spreading arithmetic there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteUncheckedMostlySmall(ref byte at, ulong v)
    {
        if (v < 0x80)
        {
            at = (byte)v;
            return 1;
        }
        return WriteUnchecked(ref at, v);
    }

    /// <summary>The byte loop, for values of 9 and 10 bytes (and big-endian hosts): the twin the fast path is tested against.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int WriteLong(ref byte at, ulong v)
    {
        int p = 0;
        while (v >= 0x80)
        {
            Unsafe.Add(ref at, p++) = (byte)(v | 0x80);
            v >>= 7;
        }
        Unsafe.Add(ref at, p++) = (byte)v;
        return p;
    }

    /// <summary>
    /// Reads a varint at <paramref name="at"/> in a padded buffer: the value and its length in bytes, length 0
    /// when malformed. Returned as a pair (two registers) so that callers keep their cursor in a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (ulong Value, int Length) Read(ref byte at)
    {
        // Branch-free for 1..8 bytes (values below 2^56): find the first byte without the continuation bit,
        // mask to it, and squeeze the 7-bit groups together in three shift-and-mask steps. Streams that mix
        // lengths (sites, nearby and far addresses) would mispredict a byte-at-a-time loop.
        ulong x = Unsafe.ReadUnaligned<ulong>(ref at);
        if (!BitConverter.IsLittleEndian) x = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(x);
        ulong stops = ~x & 0x8080_8080_8080_8080UL;
        if (stops == 0) return ReadLong(ref at);
        int bits = System.Numerics.BitOperations.TrailingZeroCount(stops) + 1; // through the last byte's top bit
        x &= bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        x = (x & 0x007F_007F_007F_007FUL) | ((x & 0x7F00_7F00_7F00_7F00UL) >> 1);
        x = (x & 0x0000_3FFF_0000_3FFFUL) | ((x & 0x3FFF_0000_3FFF_0000UL) >> 2);
        x = (x & 0x0000_0000_0FFF_FFFFUL) | ((x & 0x0FFF_FFFF_0000_0000UL) >> 4);
        return (x, bits >> 3);
    }

    /// <summary>
    /// <see cref="Read"/> behind one branch for one-byte values: sizes, aux operands and sites are nearly
    /// always below 128, where a predictable branch beats the branch-free path's chain of dependent steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (ulong Value, int Length) ReadMostlySmall(ref byte at)
    {
        byte b = at;
        return b < 0x80 ? (b, 1) : Read(ref at);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static (ulong Value, int Length) ReadLong(ref byte at)
    {
        ulong v = 0;
        for (int k = 0, shift = 0; k < MaxLength; k++, shift += 7)
        {
            byte b = Unsafe.Add(ref at, k);
            if (k == MaxLength - 1 && b > 1) break; // the tenth byte holds only bit 63
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return (v, k + 1);
        }
        return (0, 0);
    }

    /// <summary>Bounds-checked read for cold paths (metadata, footer): false when malformed or past the end.</summary>
    public static bool TryRead(ReadOnlySpan<byte> span, ref int pos, out ulong value)
    {
        ulong v = 0;
        int p = pos;
        for (int shift = 0; shift < 70 && p < span.Length; shift += 7)
        {
            byte b = span[p++];
            if (shift == 63 && b > 1) break;
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                pos = p;
                value = v;
                return true;
            }
        }
        value = 0;
        return false;
    }
}
