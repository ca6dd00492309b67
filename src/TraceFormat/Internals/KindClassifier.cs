using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The classify pass of the column decoder: from each event's kind byte and agent it checks the pair, and writes
/// the event's kind, its size when the kind byte fixes it, its address slot (agent × <see cref="KindByte.AddressStreams"/>
/// + stream), and one bit per variable-width column it has an entry in (<see cref="ColumnBits"/>). The per-column
/// passes then walk those bits, so no pass branches on an event's kind.
/// <para>
/// <see cref="ClassifyVector(in ClassifyInput, int, int, ColumnBits, ref int, bool)"/> does 16 events per step (64 with
/// AVX-512 BW: KindClassifier.Wide.cs) with two byte shuffles (kind facts by the low nibble, flag facts by the high
/// nibble; SSSE3 <c>pshufb</c> or AdvSimd <c>tbl</c>) and a third for the agents' classes, for traces of up to 16
/// agents; a v3 lane of nibble 15 passes as raise_irq when its extension byte is 0, and any other lane it cannot take
/// (another extended kind, a bad kind byte or agent) goes through the scalar path, which handles extended kinds and
/// reports errors. <see cref="ClassifyScalar"/> is that path for every event: the twin both widths are tested against.
/// <c>TRACETOOLS_SIMD=scalar</c> forces it.
/// </para>
/// </summary>
static partial class KindClassifier
{
    /// <summary>True when the shuffle path can run (hardware and not forced off); a trace also needs ≤ 16 agents.</summary>
    public static readonly bool UseVectors = (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported) && BitConverter.IsLittleEndian
        && !SimdSetting.ForcedScalar;

    /// <summary>Agents the vector path's class lookup holds (one shuffle of 16 bytes).</summary>
    public const int VectorAgents = 16;

    // Low-nibble facts (one byte per kind nibble): the agent class in bits 0..1, then these, the stream in bits 6..7.
    const byte FactAddress = 1 << 2, FactAux = 1 << 3, FactNoData = 1 << 4, FactMustData = 1 << 5;
    const int FactStreamShift = 6;
    // High-nibble facts (one byte per has-data, has-site, size code combination): what each conflicts with.
    const byte HighCode = FactAddress, HighData = FactNoData, HighNoData = FactMustData;

    /// <summary>Low-nibble facts, nibble 15 as raise_irq (v1/v2's kind 15, v3's extension byte 0).</summary>
    static readonly byte[] LowFacts = BuildLowFacts();
    /// <summary>Per high nibble: <see cref="HighCode"/> when the size code is set, <see cref="HighData"/> or <see cref="HighNoData"/>.</summary>
    static readonly byte[] HighFacts = BuildHighFacts();
    /// <summary>Per high nibble: the size its size code stands for (0: the sizes column, or no address).</summary>
    static readonly byte[] CodeSizes = BuildCodeSizes();

    static byte[] BuildLowFacts()
    {
        var t = new byte[16];
        for (int n = 0; n < 16; n++)
        {
            var kind = (EventKind)n;
            int f = kind.IsCpuEvent() ? EventContext.CpuClass : EventContext.DeviceClass;
            if (kind.HasAddress()) f |= FactAddress;
            if (kind.HasAux()) f |= FactAux;
            if (!kind.MayCarryData() && !kind.MustCarryData()) f |= FactNoData;
            if (kind.MustCarryData()) f |= FactMustData;
            f |= KindByte.Slot(kind) << FactStreamShift;
            t[n] = (byte)f;
        }
        return t;
    }

    static byte[] BuildHighFacts()
    {
        var t = new byte[16];
        for (int h = 0; h < 16; h++)
        {
            int b = h << 4;
            int f = (b & FormatLayout.HasDataBit) != 0 ? HighData : HighNoData;
            if ((b >> FormatLayout.SizeCodeShift) != 0) f |= HighCode;
            t[h] = (byte)f;
        }
        return t;
    }

    static byte[] BuildCodeSizes()
    {
        var t = new byte[16];
        for (int h = 0; h < 16; h++) t[h] = (byte)FormatLayout.SizeOfCode((h << 4) >> FormatLayout.SizeCodeShift);
        return t;
    }

    /// <summary>Classifies events [<paramref name="start"/>, <paramref name="end"/>) (one block: <paramref name="bits"/> and the slots are block-relative).</summary>
    public static void Classify(in ClassifyInput input, int start, int end, ColumnBits bits, ref int extPos)
    {
        if (UseVectors && input.Ctx.AgentCount <= VectorAgents) ClassifyVector(input, start, end, bits, ref extPos);
        else ClassifyScalar(input, start, end, bits, ref extPos);
    }

    /// <summary>The scalar twin: one 256-entry table load per kind byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ClassifyScalar(in ClassifyInput input, int start, int end, ColumnBits bits, ref int extPos)
    {
        bits.Clear(end - start);
        for (int i = start; i < end; i++) One(input, i, start, bits, ref extPos);
    }

    /// <summary>The vector path: 16 events per step; a lane it cannot take goes through <see cref="One"/>.</summary>
    public static void ClassifyVector(in ClassifyInput input, int start, int end, ColumnBits bits, ref int extPos) =>
        ClassifyVector(input, start, end, bits, ref extPos, UseWide);

    /// <summary>
    /// The vector path, the block's whole words 64 events per step first when <paramref name="wide"/>
    /// (<see cref="ClassifyWide"/>), the rest 16 per step (tests run both widths against the scalar twin).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void ClassifyVector(in ClassifyInput input, int start, int end, ColumnBits bits, ref int extPos, bool wide)
    {
        if (!Ssse3.IsSupported && !AdvSimd.Arm64.IsSupported) FormatThrow.NoCpuSupport("byte shuffle");
        var ctx = input.Ctx;
        if (ctx.AgentCount > VectorAgents) FormatThrow.Argument($"the vector path takes up to {VectorAgents} agents", nameof(input));
        bits.Clear(end - start);
        int i = wide ? ClassifyWide(input, start, end, bits, ref extPos) : start;
        // v3 too looks nibble 15 up as raise_irq (extension byte 0, nearly every extended kind of a driver trace):
        // such a lane is checked by the vector step and then only needs its extension byte to be 0.
        var lowFacts = Vector128.Create(LowFacts);
        var extendedNibble = Vector128.Create(ctx.Version >= FormatLayout.ExtendedVersion ? (byte)FormatLayout.ExtendedNibble : (byte)0xFF);
        ref byte ext = ref MemoryMarshal.GetArrayDataReference(input.Padded);
        int extEnd = input.ExtEnd;
        var highFacts = Vector128.Create(HighFacts);
        var codeSizes = Vector128.Create(CodeSizes);
        Span<byte> classes = stackalloc byte[16];
        classes.Clear();
        ctx.AgentClass.CopyTo(classes);
        var agentClasses = Vector128.Create((ReadOnlySpan<byte>)classes);
        var agentCount = Vector128.Create((ushort)ctx.AgentCount);
        var streams = Vector128.Create((ushort)KindByte.AddressStreams);
        var low4 = Vector128.Create((byte)0xF);
        var classMask = Vector128.Create((byte)KindByte.ClassMask);
        var address = Vector128.Create(FactAddress);
        var aux = Vector128.Create(FactAux);
        var data = Vector128.Create((byte)FormatLayout.HasDataBit);
        var conflicts = Vector128.Create((byte)(FactNoData | FactMustData));

        ref byte kinds = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(input.Padded), input.KindsAt);
        ref ushort agents = ref MemoryMarshal.GetArrayDataReference(input.Batch.Agents);
        ref byte kindsOut = ref Unsafe.As<EventKind, byte>(ref MemoryMarshal.GetArrayDataReference(input.Batch.Kinds));
        ref int sizes = ref MemoryMarshal.GetArrayDataReference(input.Batch.Sizes);
        ref ushort slots = ref MemoryMarshal.GetArrayDataReference(bits.Slots);
        for (; i + 16 <= end; i += 16)
        {
            var kb = Vector128.LoadUnsafe(ref kinds, (nuint)i);
            var lo = kb & low4;
            var hi = Vector128.ShiftRightLogical(kb, 4);
            var facts = Shuffle(lowFacts, lo);
            var high = Shuffle(highFacts, hi);
            var agentsLo = Vector128.LoadUnsafe(ref agents, (nuint)i);
            var agentsHi = Vector128.LoadUnsafe(ref agents, (nuint)(i + 8));
            // Agents out of range look up 0 (index with its top bit set) and then read as 0xFF: no kind has that class.
            var outOfRange = ~Vector128.Narrow(Vector128.LessThan(agentsLo, agentCount), Vector128.LessThan(agentsHi, agentCount));
            var agentClass = Shuffle(agentClasses, Vector128.Narrow(agentsLo, agentsHi) | outOfRange) | outOfRange;
            // A kind byte is valid when its has-data bit fits the kind and a size code comes with an address.
            var bad = (facts & high & conflicts) | (~facts & high & address);
            var ok = Vector128.Equals(facts & classMask, agentClass) & Vector128.Equals(bad, Vector128<byte>.Zero);
            int blockAt = i - start;
            lo.StoreUnsafe(ref kindsOut, (nuint)i);
            var hasAddress = Vector128.Equals(facts & address, address);
            var size = Shuffle(codeSizes, hi) & hasAddress;
            var (size0, size1) = Vector128.Widen(size);
            var (s0, s1) = Vector128.Widen(size0);
            var (s2, s3) = Vector128.Widen(size1);
            s0.AsInt32().StoreUnsafe(ref sizes, (nuint)i);
            s1.AsInt32().StoreUnsafe(ref sizes, (nuint)(i + 4));
            s2.AsInt32().StoreUnsafe(ref sizes, (nuint)(i + 8));
            s3.AsInt32().StoreUnsafe(ref sizes, (nuint)(i + 12));
            var (stream0, stream1) = Vector128.Widen(Vector128.ShiftRightLogical(facts, FactStreamShift));
            (agentsLo * streams + stream0).StoreUnsafe(ref slots, (nuint)blockAt);
            (agentsHi * streams + stream1).StoreUnsafe(ref slots, (nuint)(blockAt + 8));
            uint extended = Vector128.Equals(lo, extendedNibble).ExtractMostSignificantBits();
            uint okBits = ok.ExtractMostSignificantBits() & ~extended;
            bits.Set(blockAt,
                hasAddress.ExtractMostSignificantBits() & okBits,
                (hasAddress & Vector128.Equals(size, Vector128<byte>.Zero)).ExtractMostSignificantBits() & okBits,
                Vector128.Equals(facts & aux, aux).ExtractMostSignificantBits() & okBits,
                Vector128.Equals(kb & data, data).ExtractMostSignificantBits() & okBits);
            // The lanes the shuffles cannot take go in event order (the extension column is read in order, and the
            // first error reported is the first event's): a v3 extended lane that passed as raise_irq (about 1 event
            // in 80 in a driver trace) takes its extension byte when it is 0 (raise_irq has no entry in any column:
            // no bits to set); any other extended lane, or an error, goes through the table.
            uint raiseIrq = extended & ok.ExtractMostSignificantBits();
            for (uint rest = (~okBits & 0xFFFF) | extended; rest != 0; rest &= rest - 1)
            {
                int lane = BitOperations.TrailingZeroCount(rest);
                if ((raiseIrq >> lane & 1) != 0 && extPos < extEnd && Unsafe.Add(ref ext, extPos) == 0) extPos++;
                else Lane(input, i + lane, start, bits, ref extPos);
            }
        }
        for (; i < end; i++) One(input, i, start, bits, ref extPos);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<byte> Shuffle(Vector128<byte> table, Vector128<byte> indices) =>
        Ssse3.IsSupported ? Ssse3.Shuffle(table, indices) : AdvSimd.Arm64.VectorTableLookup(table, indices);

    /// <summary><see cref="One"/> out of line, for the vector loop's rare lanes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Lane(in ClassifyInput input, int i, int start, ColumnBits bits, ref int extPos) => One(input, i, start, bits, ref extPos);

    /// <summary>One event through the 256-entry table; extended kinds and every error go through <see cref="ChunkDecoder.ExtendedKind"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void One(in ClassifyInput input, int i, int start, ColumnBits bits, ref int extPos)
    {
        var ctx = input.Ctx;
        var batch = input.Batch;
        int kb = input.Padded[input.KindsAt + i];
        int f = ctx.KindTable[kb];
        uint agent = batch.Agents[i];
        batch.Kinds[i] = (EventKind)(kb & 0xF);
        // An invalid kind byte has class 0, which never equals an agent's class (1 cpu, 2 device); so has a
        // v3 extended one (nibble 15), whose entry comes from the extension column on this rare path.
        if (agent >= (uint)ctx.AgentCount || ctx.AgentClass[agent] != (f & KindByte.ClassMask))
            f = ChunkDecoder.ExtendedKind(input.Origin, ctx, input.Padded, input.ExtEnd, ref extPos, batch, input.FirstIndex + i, input.KindsAt, i, kb, (int)agent);
        int size = f >> KindByte.FixedSizeShift;
        int hasAddress = (f >> 2) & 1;
        batch.Sizes[i] = size;
        int b = i - start;
        bits.Slots[b] = (ushort)(agent * KindByte.AddressStreams + ((f >> KindByte.SlotShift) & 3));
        bits.Set(b, hasAddress, hasAddress & (size == 0 ? 1 : 0), (f >> 3) & 1, (f >> 4) & 1);
    }
}
