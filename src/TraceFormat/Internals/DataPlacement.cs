using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The vector form of the bytes placement (<see cref="ChunkDecoder"/>'s PlaceData, its scalar twin), 64 events (a word
/// of the block's data bits) per step. The small values (1..8 bytes) were unpacked into their 8-byte slots for the
/// whole chunk first (<see cref="SignificantBytes.Unpack"/>: slot k holds the k-th value), so a step only computes
/// offsets and checks: which of the word's events with bytes are small (size ≤ 8, one compare of 64 sizes), each
/// one's slot (the next slot numbers expanded into its lane, AVX-512 <c>vpexpandd</c>), and its value length against its
/// size (the next nibbles of the lengths column expanded into the lanes, VBMI2 <c>vpexpandb</c>). The events with more
/// than 8 bytes (copies, about 1 event in 250 on the driver mix) take the data column's next bytes one by one.
/// <para>
/// A step takes a word only when everything in it is valid and its loads and stores stay inside the arrays; it returns
/// the first word not taken, which the twin places or reports. Tested against the twin (DataPlacementTests);
/// <c>TRACETOOLS_SIMD=scalar</c> turns it off. Without AVX-512, <see cref="PlaceAvx2"/> takes the words the same way.
/// </para>
/// </summary>
static partial class DataPlacement
{
    /// <summary>True when the vector path runs (AVX-512 F, BW, VBMI and VBMI2; not forced off).</summary>
    public static readonly bool UseVectors = Supported && !SimdSetting.ForcedScalar;

    /// <summary>The step this process places words with: <see cref="Place"/>, <see cref="PlaceAvx2"/>, or the walk of set bits alone.</summary>
    public static PlacementKernel Kernel => UseVectors ? PlacementKernel.Avx512 : UseAvx2 ? PlacementKernel.Avx2 : PlacementKernel.Scalar;

    /// <summary>Per byte lane j, for an even (first 64) or odd (last 64) first nibble: where nibble j is among the low nibbles (0..63) and the high nibbles (64..127) of the lengths bytes.</summary>
    static readonly byte[] NibbleAt = BuildNibbleAt();
    /// <summary>Per int lane j: 1 &lt;&lt; j, to test a 16-bit mask lane by lane (the AVX2 step its first 8, for a mask byte).</summary>
    static readonly int[] LaneBit = [.. Enumerable.Range(0, 16).Select(j => 1 << j)];
    /// <summary>Per int lane j: 8 × j, the j-th slot after a first one.</summary>
    static readonly int[] SlotStep = [.. Enumerable.Range(0, 16).Select(j => 8 * j)];

    static byte[] BuildNibbleAt()
    {
        var t = new byte[128];
        for (int odd = 0; odd < 2; odd++)
            for (int j = 0; j < 64; j++)
            {
                int n = odd + j;
                t[odd * 64 + j] = (byte)((n >> 1) + ((n & 1) != 0 ? 64 : 0));
            }
        return t;
    }

    /// <summary>
    /// Places the bytes of words <paramref name="word"/>.. of a block (events from <paramref name="start"/>, their data
    /// bits in <paramref name="bits"/>): <paramref name="offsets"/> gets each event's slot (small values, slots from
    /// <paramref name="valuesAt"/>), data column position, or -1 for none. The cursors advance past the words taken;
    /// returns the first word not taken.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Place(byte[] padded, in ColumnSpans cols, int valuesAt, ulong[] bits, int word, int words, int start,
        int[] sizes, int[] offsets, ref ColumnCursors cursors)
    {
        if (!Supported) FormatThrow.NoCpuSupport("AVX-512 VBMI2");
        var nibbleAtEven = Vector512.Create((ReadOnlySpan<byte>)NibbleAt.AsSpan(0, 64));
        var nibbleAtOdd = Vector512.Create((ReadOnlySpan<byte>)NibbleAt.AsSpan(64, 64));
        var laneBit = Vector512.Create((ReadOnlySpan<int>)LaneBit);
        var slotStep = Vector512.Create((ReadOnlySpan<int>)SlotStep);
        var smallMax = Vector512.Create(FormatLayout.SmallValueMaxSize);
        var low4 = Vector512.Create((byte)0xF);
        var minusOne = Vector512.Create(-1);
        var byteOfLane = Vector512.Create((ReadOnlySpan<byte>)OneByteColumns.ByteOfLane);
        var bitOfLane = Vector512.Create((ReadOnlySpan<byte>)OneByteColumns.BitOfLane);
        ref byte src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int sizesRef = ref MemoryMarshal.GetArrayDataReference(sizes);
        ref int offsetsRef = ref MemoryMarshal.GetArrayDataReference(offsets);
        int small = cursors.Small, valuePos = cursors.Value, dataPos = cursors.Data, dataEnd = cols.DataEnd;
        int lengthCount = 2 * (cols.LengthEnd - cols.LengthAt);
        int loadLimit = padded.Length - Vector512<byte>.Count, eventLimit = Math.Min(sizes.Length, offsets.Length) - 64;
        int w = word;
        for (; w < words; w++)
        {
            ulong data = bits[w];
            int at = start + (w << 6), nibbleByte = cols.LengthAt + (small >> 1);
            if (at > eventLimit || nibbleByte > loadLimit) break;
            ref int offsetAt = ref Unsafe.Add(ref offsetsRef, at);
            if (data == 0)
            {
                minusOne.StoreUnsafe(ref offsetAt);
                minusOne.StoreUnsafe(ref offsetAt, 16);
                minusOne.StoreUnsafe(ref offsetAt, 32);
                minusOne.StoreUnsafe(ref offsetAt, 48);
                continue;
            }
            ref int sizeAt = ref Unsafe.Add(ref sizesRef, at);
            var s0 = Vector512.LoadUnsafe(ref sizeAt);
            var s1 = Vector512.LoadUnsafe(ref sizeAt, 16);
            var s2 = Vector512.LoadUnsafe(ref sizeAt, 32);
            var s3 = Vector512.LoadUnsafe(ref sizeAt, 48);
            ulong smallLanes = Vector512.LessThanOrEqual(s0, smallMax).ExtractMostSignificantBits()
                | Vector512.LessThanOrEqual(s1, smallMax).ExtractMostSignificantBits() << 16
                | Vector512.LessThanOrEqual(s2, smallMax).ExtractMostSignificantBits() << 32
                | Vector512.LessThanOrEqual(s3, smallMax).ExtractMostSignificantBits() << 48;
            ulong smallBits = data & smallLanes, largeBits = data & ~smallLanes;
            int n = BitOperations.PopCount(smallBits);
            if (n > lengthCount - small) break;
            // The word's value lengths: nibbles small.. of the lengths column, then one per small event's lane.
            var packed = Vector512.LoadUnsafe(ref src, (nuint)nibbleByte);
            var nibbles = Avx512Vbmi.PermuteVar64x8x2(packed & low4, (small & 1) == 0 ? nibbleAtEven : nibbleAtOdd,
                Vector512.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & low4);
            // Nibbles past the word's n (the next words', or bytes past the column) must not count.
            nibbles &= OneByteColumns.MaskOf(n == 64 ? ulong.MaxValue : (1UL << n) - 1, byteOfLane, bitOfLane);
            var lengths = Avx512Vbmi2.Expand(Vector512<byte>.Zero, OneByteColumns.MaskOf(smallBits, byteOfLane, bitOfLane), nibbles);
            var sizeBytes = Vector512.Create(
                Vector256.Create(Avx512F.ConvertToVector128Byte(s0), Avx512F.ConvertToVector128Byte(s1)),
                Vector256.Create(Avx512F.ConvertToVector128Byte(s2), Avx512F.ConvertToVector128Byte(s3)));
            if ((Vector512.GreaterThan(lengths, sizeBytes).ExtractMostSignificantBits() & smallBits) != 0) break;
            if (!LargeFit(ref sizeAt, largeBits, dataPos, dataEnd)) break;
            // Slots: the small events' lanes get valuesAt + 8 × (their rank among the chunk's small values), the
            // others -1 (the caller fills no word the step takes); then the events with more than 8 bytes their data.
            int slot = valuesAt + 8 * small;
            for (int g = 0; g < 4; g++)
            {
                uint laneBits = (uint)(smallBits >> (16 * g)) & 0xFFFF;
                var lanes = Vector512.Equals(Vector512.Create((int)laneBits) & laneBit, laneBit);
                Avx512F.Expand(minusOne, lanes, Vector512.Create(slot) + slotStep).StoreUnsafe(ref offsetAt, (nuint)(16 * g));
                slot += 8 * BitOperations.PopCount(laneBits);
            }
            dataPos = PlaceLarge(ref offsetAt, ref sizeAt, largeBits, dataPos);
            small += n;
            valuePos += (int)Vector512.Sum(Avx512BW.SumAbsoluteDifferences(nibbles, Vector512<byte>.Zero).AsUInt64());
        }
        cursors.Small = small;
        cursors.Value = valuePos;
        cursors.Data = dataPos;
        return w;
    }

    /// <summary>True when the data column from <paramref name="dataPos"/> holds the bytes of every event of <paramref name="largeBits"/> (more than 8 bytes each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool LargeFit(ref int sizeAt, ulong largeBits, int dataPos, int dataEnd)
    {
        for (ulong m = largeBits; m != 0; m &= m - 1)
        {
            int size = Unsafe.Add(ref sizeAt, BitOperations.TrailingZeroCount(m));
            if (size > dataEnd - dataPos) return false;
            dataPos += size;
        }
        return true;
    }

    /// <summary>Gives each event of <paramref name="largeBits"/> its bytes in the data column, in event order from <paramref name="dataPos"/>; returns the position after them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int PlaceLarge(ref int offsetAt, ref int sizeAt, ulong largeBits, int dataPos)
    {
        for (ulong m = largeBits; m != 0; m &= m - 1)
        {
            int e = BitOperations.TrailingZeroCount(m);
            Unsafe.Add(ref offsetAt, e) = dataPos;
            dataPos += Unsafe.Add(ref sizeAt, e);
        }
        return dataPos;
    }

    static bool Supported => Avx512Vbmi2.IsSupported && Avx512Vbmi.IsSupported && Avx512BW.IsSupported;
}

/// <summary>Which step places a block's words of bytes (<see cref="ChunkDecoder.PlaceData"/>); each word a step does not take goes to the walk of set bits.</summary>
enum PlacementKernel
{
    /// <summary>The walk of set bits alone (<c>TRACETOOLS_SIMD=scalar</c>, or no AVX2).</summary>
    Scalar,
    /// <summary><see cref="DataPlacement.PlaceAvx2"/>, after the small values and their lengths were unpacked.</summary>
    Avx2,
    /// <summary><see cref="DataPlacement.Place"/>, after the small values were unpacked.</summary>
    Avx512,
}
