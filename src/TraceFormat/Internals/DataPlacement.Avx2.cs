using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TraceTools.TraceFormat.Internals;

// The bytes placement on a cpu with AVX2 but not the AVX-512 of Place: the same word step, in eight groups of eight
// events. AVX2 has no expand, so a group puts the next value lengths and slot numbers in the lanes of its small
// events with one table load: RankOfLane gives each lane its rank among the group's set lanes, the slot is the
// group's first slot + 8 × rank, and vpermd by the same ranks moves the group's next lengths (unpacked one byte per
// value before the blocks, UnpackLengthNibbles) into their lanes. By its code the walk of set bits costs about 18
// instructions per event with bytes (0.8 an event on a driver trace) and a mispredict at the end of each word; a
// group about 14 for 8 events. Measured: docs/trace-format.md, "Without AVX-512 the target is not met".
static partial class DataPlacement
{
    /// <summary>True when the AVX2 step runs: AVX2 without the AVX-512 of <see cref="Place"/>, not forced off.</summary>
    public static readonly bool UseAvx2 = !UseVectors && Avx2.IsSupported && !SimdSetting.ForcedScalar;

    /// <summary>Per mask byte m (8 ints each): lane j's rank among m's set lanes, the count of m's set bits below bit j.</summary>
    static readonly int[] RankOfLane = BuildRanks();

    static int[] BuildRanks()
    {
        var t = new int[256 * 8];
        for (int m = 0; m < 256; m++)
            for (int j = 0; j < 8; j++) t[m * 8 + j] = BitOperations.PopCount((uint)m & ((1u << j) - 1));
        return t;
    }

    /// <summary>
    /// <see cref="Place"/> with AVX2: the same arguments, and <paramref name="lengths"/>, the chunk's value lengths one
    /// byte per value (<see cref="ChunkDecoder.UnpackLengthNibbles"/>: 8 readable bytes past the last). Returns the first
    /// word not taken; the offsets of that word may have been written, which the twin writes again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int PlaceAvx2(in ColumnSpans cols, byte[] lengths, int valuesAt, ulong[] bits, int word, int words, int start,
        int[] sizes, int[] offsets, ref ColumnCursors cursors)
    {
        if (!Avx2.IsSupported) FormatThrow.NoCpuSupport("AVX2");
        var smallMax = Vector256.Create(FormatLayout.SmallValueMaxSize);
        var laneBit = Vector256.Create((ReadOnlySpan<int>)LaneBit.AsSpan(0, 8)); // a group's lanes test its mask byte's bits
        var minusOne = Vector256.Create(-1);
        ref int ranks = ref MemoryMarshal.GetArrayDataReference(RankOfLane);
        ref byte lengthsRef = ref MemoryMarshal.GetArrayDataReference(lengths);
        ref int sizesRef = ref MemoryMarshal.GetArrayDataReference(sizes);
        ref int offsetsRef = ref MemoryMarshal.GetArrayDataReference(offsets);
        int small = cursors.Small, valuePos = cursors.Value, dataPos = cursors.Data, dataEnd = cols.DataEnd;
        // The lengths the nibble column holds, as many as the unpacked bytes have (8 readable bytes past them).
        int lengthCount = Math.Min(2 * (cols.LengthEnd - cols.LengthAt), lengths.Length - sizeof(ulong));
        int eventLimit = Math.Min(sizes.Length, offsets.Length) - 64;
        int w = word;
        for (; w < words; w++)
        {
            ulong data = bits[w];
            int at = start + (w << 6);
            if (at > eventLimit) break;
            ref int offsetAt = ref Unsafe.Add(ref offsetsRef, at);
            if (data == 0)
            {
                for (int g = 0; g < 64; g += 8) minusOne.StoreUnsafe(ref offsetAt, (nuint)g);
                continue;
            }
            ref int sizeAt = ref Unsafe.Add(ref sizesRef, at);
            ulong largeLanes = 0;
            for (int g = 0; g < 8; g++)
                largeLanes |= (ulong)Vector256.GreaterThan(Vector256.LoadUnsafe(ref sizeAt, (nuint)(8 * g)), smallMax).ExtractMostSignificantBits() << (8 * g);
            ulong smallBits = data & ~largeLanes, largeBits = data & largeLanes;
            int n = BitOperations.PopCount(smallBits);
            if (n > lengthCount - small) break;
            if (!LargeFit(ref sizeAt, largeBits, dataPos, dataEnd)) break;
            // Per group: its small events' lanes get their length and slot (the others 0 and -1), in value order.
            int rank0 = small;
            uint tooLong = 0;
            var lengthSum = Vector256<int>.Zero;
            for (int g = 0; g < 8; g++)
            {
                int m = (int)(smallBits >> (8 * g)) & 0xFF;
                var rank = Vector256.LoadUnsafe(ref ranks, (nuint)(8 * m));
                var lane = Vector256.Equals(Vector256.Create(m) & laneBit, laneBit);
                var next = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lengthsRef, rank0))).AsByte();
                var length = Avx2.PermuteVar8x32(Avx2.ConvertToVector256Int32(next), rank) & lane;
                tooLong |= Vector256.GreaterThan(length, Vector256.LoadUnsafe(ref sizeAt, (nuint)(8 * g))).ExtractMostSignificantBits();
                lengthSum += length;
                var slots = Vector256.Create(valuesAt + 8 * rank0) + Vector256.ShiftLeft(rank, 3);
                Vector256.ConditionalSelect(lane, slots, minusOne).StoreUnsafe(ref offsetAt, (nuint)(8 * g));
                rank0 += BitOperations.PopCount((uint)m);
            }
            if (tooLong != 0) break;
            dataPos = PlaceLarge(ref offsetAt, ref sizeAt, largeBits, dataPos);
            small += n;
            valuePos += Vector256.Sum(lengthSum);
        }
        cursors.Small = small;
        cursors.Value = valuePos;
        cursors.Data = dataPos;
        return w;
    }
}
