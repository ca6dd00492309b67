using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// What a store changes in one table entry: the granules whose bytes it changes and whether it changes a bit
/// other than the present bit, from the entry's bytes as memory holds them and the bytes stored over them.
/// </summary>
/// <remarks>
/// Compared eight bytes at a time (<see cref="Add"/>): most bytes of an entry store rewrite what memory holds
/// (a descriptor's zero high bytes, an unchanged field), so only the bytes that differ cost more than a word
/// compare. <see cref="AddScalar"/> is the byte loop it replaced, kept as its tested twin.
/// </remarks>
static class EntryDiff
{
    /// <summary>
    /// Adds the changes of <paramref name="stored"/> over <paramref name="held"/> (the same length), whose first byte
    /// is byte <paramref name="offset"/> of the entry: bit min(g, 63) of <paramref name="granules"/> and, when
    /// <paramref name="exact"/> has more than one word, bit g % 64 of word g / 64 of it, for each changed granule g;
    /// <paramref name="other"/> when a changed bit is not the present bit (mask <paramref name="presentMask"/> of
    /// entry byte <paramref name="presentOffset"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ReadOnlySpan<byte> held, ReadOnlySpan<byte> stored, int offset, int granuleShift, uint granule,
        int presentOffset, byte presentMask, Span<ulong> exact, ref ulong granules, ref bool other)
    {
        int n = Math.Min(held.Length, stored.Length), j = 0;
        if (BitConverter.IsLittleEndian)
        {
            ref byte h = ref MemoryMarshal.GetReference(held);
            ref byte s = ref MemoryMarshal.GetReference(stored);
            for (; j + sizeof(ulong) <= n; j += sizeof(ulong))
            {
                ulong d = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref h, j)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, j));
                while (d != 0)
                {
                    int bit = System.Numerics.BitOperations.TrailingZeroCount(d) & ~7;
                    Changed(offset + j + (bit >> 3), (int)(d >> bit) & 0xFF, granuleShift, granule, presentOffset, presentMask, exact, ref granules, ref other);
                    d &= ~(0xFFUL << bit);
                }
            }
        }
        // The bytes past the last whole word (all of them on a big-endian machine).
        if (j < n) AddScalar(held[j..n], stored[j..n], offset + j, granuleShift, granule, presentOffset, presentMask, exact, ref granules, ref other);
    }

    /// <summary>The byte loop <see cref="Add"/> replaced (its twin in tests, and its tail): the same result, one byte at a time.</summary>
    internal static void AddScalar(ReadOnlySpan<byte> held, ReadOnlySpan<byte> stored, int offset, int granuleShift, uint granule,
        int presentOffset, byte presentMask, Span<ulong> exact, ref ulong granules, ref bool other)
    {
        for (int j = 0; j < held.Length && j < stored.Length; j++)
        {
            int diff = held[j] ^ stored[j];
            if (diff != 0) Changed(offset + j, diff, granuleShift, granule, presentOffset, presentMask, exact, ref granules, ref other);
        }
    }

    /// <summary>log2 of a power-of-two granule (the usual layout: a shift instead of a division per changed byte), else -1.</summary>
    public static int ShiftOf(uint granule) => System.Numerics.BitOperations.IsPow2(granule) ? System.Numerics.BitOperations.Log2(granule) : -1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Changed(int at, int diff, int granuleShift, uint granule, int presentOffset, byte presentMask,
        Span<ulong> exact, ref ulong granules, ref bool other)
    {
        int g = granuleShift >= 0 ? at >> granuleShift : (int)((uint)at / granule);
        granules |= 1UL << Math.Min(63, g);
        if (exact.Length > 1) exact[g >> 6] |= 1UL << (g & 63);
        if (at == presentOffset) diff &= ~presentMask;
        other |= diff != 0;
    }
}
