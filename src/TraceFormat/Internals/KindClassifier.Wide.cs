using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TraceTools.TraceFormat.Internals;

// The classify step 64 events wide (AVX-512 BW): the same shuffles as the 16-lane step (vpshufb looks up each 128-bit
// lane in its own copy of the 16-byte table), and a step's lanes are one word of the block's column bits, so each
// column's word is one mask store instead of four shifted ORs. The 16-lane step's cost was mostly per step
// (widening the sizes, the slots, the bit merging), about 3 instructions per event; here about 1.
static partial class KindClassifier
{
    /// <summary>True when the 64-lane step runs (AVX-512 BW; not forced off by <c>TRACETOOLS_SIMD=scalar</c>).</summary>
    public static readonly bool UseWide = Avx512BW.IsSupported && !SimdSetting.ForcedScalar;

    /// <summary>
    /// Classifies the block's whole words of events from <paramref name="start"/> (bits cleared by the caller), 64 per
    /// step, and returns where it stopped (a multiple of 64 from <paramref name="start"/>): the 16-lane step does the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    static int ClassifyWide(in ClassifyInput input, int start, int end, ColumnBits bits, ref int extPos)
    {
        if (!Avx512BW.IsSupported) FormatThrow.NoCpuSupport("AVX-512 BW");
        var ctx = input.Ctx;
        var lowFacts = Vector512.Create(Vector128.Create(LowFacts));
        var highFacts = Vector512.Create(Vector128.Create(HighFacts));
        var codeSizes = Vector512.Create(Vector128.Create(CodeSizes));
        var extendedNibble = Vector512.Create(ctx.Version >= FormatLayout.ExtendedVersion ? (byte)FormatLayout.ExtendedNibble : (byte)0xFF);
        ref byte ext = ref MemoryMarshal.GetArrayDataReference(input.Padded);
        int extEnd = input.ExtEnd;
        Span<byte> classes = stackalloc byte[16];
        classes.Clear();
        ctx.AgentClass.CopyTo(classes);
        var agentClasses = Vector512.Create(Vector128.Create((ReadOnlySpan<byte>)classes));
        var agentCount = Vector512.Create((ushort)ctx.AgentCount);
        var streams = Vector512.Create((ushort)KindByte.AddressStreams);
        var low4 = Vector512.Create((byte)0xF);
        var classMask = Vector512.Create((byte)KindByte.ClassMask);
        var address = Vector512.Create(FactAddress);
        var aux = Vector512.Create(FactAux);
        var data = Vector512.Create((byte)FormatLayout.HasDataBit);
        var conflicts = Vector512.Create((byte)(FactNoData | FactMustData));

        ref byte kinds = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(input.Padded), input.KindsAt);
        ref ushort agents = ref MemoryMarshal.GetArrayDataReference(input.Batch.Agents);
        ref byte kindsOut = ref Unsafe.As<EventKind, byte>(ref MemoryMarshal.GetArrayDataReference(input.Batch.Kinds));
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(input.Batch.Sizes);
        ref ushort slots = ref MemoryMarshal.GetArrayDataReference(bits.Slots);
        int i = start;
        for (; i + 64 <= end; i += 64)
        {
            var kb = Vector512.LoadUnsafe(ref kinds, (nuint)i);
            var lo = kb & low4;
            var hi = Vector512.ShiftRightLogical(kb.AsUInt16(), 4).AsByte() & low4;
            var facts = Avx512BW.Shuffle(lowFacts, lo);
            var high = Avx512BW.Shuffle(highFacts, hi);
            var agentsLo = Vector512.LoadUnsafe(ref agents, (nuint)i);
            var agentsHi = Vector512.LoadUnsafe(ref agents, (nuint)(i + 32));
            // Agents out of range look up 0 (index with its top bit set) and then read as 0xFF: no kind has that class.
            var outOfRange = ~Vector512.Narrow(Vector512.LessThan(agentsLo, agentCount), Vector512.LessThan(agentsHi, agentCount));
            var agentClass = Avx512BW.Shuffle(agentClasses, Vector512.Narrow(agentsLo, agentsHi) | outOfRange) | outOfRange;
            var bad = (facts & high & conflicts) | (~facts & high & address);
            ulong ok = (Vector512.Equals(facts & classMask, agentClass) & Vector512.Equals(bad, Vector512<byte>.Zero)).ExtractMostSignificantBits();
            int blockAt = i - start;
            lo.StoreUnsafe(ref kindsOut, (nuint)i);
            var hasAddress = Vector512.Equals(facts & address, address);
            var size = Avx512BW.Shuffle(codeSizes, hi) & hasAddress;
            var (size0, size1) = Vector512.Widen(size);
            var (s0, s1) = Vector512.Widen(size0);
            var (s2, s3) = Vector512.Widen(size1);
            s0.AsInt32().StoreUnsafe(ref sizes, (nuint)i);
            s1.AsInt32().StoreUnsafe(ref sizes, (nuint)(i + 16));
            s2.AsInt32().StoreUnsafe(ref sizes, (nuint)(i + 32));
            s3.AsInt32().StoreUnsafe(ref sizes, (nuint)(i + 48));
            var (stream0, stream1) = Vector512.Widen(Vector512.ShiftRightLogical(facts.AsUInt16(), FactStreamShift).AsByte() & Vector512.Create((byte)3));
            (agentsLo * streams + stream0).StoreUnsafe(ref slots, (nuint)blockAt);
            (agentsHi * streams + stream1).StoreUnsafe(ref slots, (nuint)(blockAt + 32));
            ulong extended = Vector512.Equals(lo, extendedNibble).ExtractMostSignificantBits();
            ulong okBits = ok & ~extended;
            int w = blockAt >> 6;
            bits.Address[w] = hasAddress.ExtractMostSignificantBits() & okBits;
            bits.Size[w] = (hasAddress & Vector512.Equals(size, Vector512<byte>.Zero)).ExtractMostSignificantBits() & okBits;
            bits.Aux[w] = Vector512.Equals(facts & aux, aux).ExtractMostSignificantBits() & okBits;
            bits.Data[w] = Vector512.Equals(kb & data, data).ExtractMostSignificantBits() & okBits;
            // The lanes the shuffles cannot take, in event order, as in the 16-lane step.
            ulong raiseIrq = extended & ok;
            for (ulong rest = ~okBits | extended; rest != 0; rest &= rest - 1)
            {
                int lane = BitOperations.TrailingZeroCount(rest);
                if ((raiseIrq >> lane & 1) != 0 && extPos < extEnd && Unsafe.Add(ref ext, extPos) == 0) extPos++;
                else Lane(input, i + lane, start, bits, ref extPos);
            }
        }
        return i;
    }
}
