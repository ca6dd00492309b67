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
    public static int Length(ulong v) => 1 + (63 - System.Numerics.BitOperations.LeadingZeroCount(v | 1)) / 7;

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
    /// Reads a varint at <paramref name="pos"/> in a padded buffer. Returns false for an encoding longer
    /// than 10 bytes or one that overflows 64 bits; the caller checks <paramref name="pos"/> against its limit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ref byte start, ref int pos, out ulong value)
    {
        byte b = Unsafe.Add(ref start, pos);
        if (b < 0x80)
        {
            pos++;
            value = b;
            return true;
        }
        return TryReadLong(ref start, ref pos, out value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static bool TryReadLong(ref byte start, ref int pos, out ulong value)
    {
        ulong v = 0;
        int p = pos;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = Unsafe.Add(ref start, p++);
            if (shift == 63 && b > 1) break; // the tenth byte holds only bit 63
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                pos = p;
                value = v;
                return true;
            }
        }
        pos = p;
        value = 0;
        return false;
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
