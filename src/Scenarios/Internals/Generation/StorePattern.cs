using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>
/// The bytes of a store or dma_write written without a value. For the k-th such store of a run
/// (k = 1, 2, ...), the byte at address a is byte (a mod 8) of <c>Word(a / 8, Seed(k))</c>, xor 0x5A when
/// that equals the byte already in memory, so every byte changes (model.md treats a value-neutral store as
/// no store at all). Deterministic: it depends only on the address and k.
/// </summary>
static class StorePattern
{
    const ulong Golden = 0x9E3779B97F4A7C15UL;
    const ulong Lows = 0x7F7F_7F7F_7F7F_7F7FUL;

    public static ulong Seed(ulong k)
    {
        ulong s = k * 0xD6E8FEB86659FD93UL;
        return s ^ (s >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Word(ulong wordIndex, ulong seed)
    {
        ulong h = (wordIndex ^ seed) * Golden;
        return h ^ (h >> 29);
    }

    /// <summary>
    /// Replaces <paramref name="data"/> (the current bytes at <paramref name="address"/>) with the pattern, eight
    /// bytes at a time: SWAR finds the bytes equal to memory (zero bytes of pattern ^ current) and flips them.
    /// </summary>
    public static void Fill(ulong address, Span<byte> data, ulong seed)
    {
        int j = 0;
        int n = data.Length;
        for (; j < n && ((address + (ulong)j) & 7) != 0; j++) data[j] = Byte(address + (ulong)j, data[j], seed);
        ulong word = (address + (ulong)j) >> 3;
        for (; j + 8 <= n; j += 8, word++)
        {
            var slot = data.Slice(j, 8);
            ulong p = Word(word, seed);
            ulong x = p ^ BinaryPrimitives.ReadUInt64LittleEndian(slot);
            // High bit set exactly in the bytes where x is zero (no carries across bytes: Lows keeps them in).
            ulong zero = ~(((x & Lows) + Lows) | x | Lows);
            p ^= (zero >> 7) * 0x5A;
            BinaryPrimitives.WriteUInt64LittleEndian(slot, p);
        }
        for (; j < n; j++) data[j] = Byte(address + (ulong)j, data[j], seed);
    }

    /// <summary>The scalar twin of <see cref="Fill"/>, byte by byte (tests compare the two).</summary>
    public static void FillScalar(ulong address, Span<byte> data, ulong seed)
    {
        for (int j = 0; j < data.Length; j++) data[j] = Byte(address + (ulong)j, data[j], seed);
    }

    /// <summary>
    /// Puts back the present bit of every table entry the pattern covers (contract v1.1: a write without a
    /// VALUE keeps the present bit it covers). The byte holding it still changes: when the pattern differed
    /// from memory only in that bit, another bit is flipped instead.
    /// </summary>
    public static void KeepPresentBits(ulong address, Span<byte> data, ReadOnlySpan<byte> before, ulong tableBase, ulong entrySize, uint presentBit)
    {
        byte mask = (byte)(1 << (int)(presentBit % 8));
        ulong offset = (address - tableBase) % entrySize, presentOffset = presentBit / 8;
        // The first entry's present byte at or after address, then one per entry.
        ulong first = presentOffset >= offset ? presentOffset - offset : entrySize - offset + presentOffset;
        for (ulong j = first; j < (ulong)data.Length; j += entrySize)
        {
            byte b = (byte)((data[(int)j] & ~mask) | (before[(int)j] & mask));
            if (b == before[(int)j]) b ^= (byte)(0x5A & ~mask);
            data[(int)j] = b;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static byte Byte(ulong a, byte current, ulong seed)
    {
        byte b = (byte)(Word(a >> 3, seed) >> (int)(8 * (a & 7)));
        return b == current ? (byte)(b ^ 0x5A) : b;
    }
}
