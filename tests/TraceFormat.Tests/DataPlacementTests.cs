using System.Runtime.Intrinsics.X86;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary>
/// The vector bytes placements (<see cref="DataPlacement"/>, AVX2 and AVX-512, after the chunk's small values were
/// unpacked into their slots) against the walk of set bits they stand for: the same offsets, slot bytes, cursors and first error on
/// fixed-seed blocks of valid and spoiled events.
/// </summary>
[TestClass]
public sealed class DataPlacementTests
{
    /// <summary>Per block: events, how many carry bytes (per 16), and what share of them are spoiled (per 64).</summary>
    public static IEnumerable<object[]> Cases() =>
        from events in new[] { 1, 63, 64, 65, 1000, DecodeScratch.BlockEvents }
        from density in new[] { 0, 2, 13, 16 }
        from spoiled in new[] { 0, 1 }
        select new object[] { events, density, spoiled };

    sealed record Outcome(int[] Offsets, byte[] Slots, int Small, int Value, int Data, string? Error);

    sealed record BlockInput(int[] Sizes, ColumnBits Bits, byte[] Padded, ColumnSpans Cols, int ValuesAt);

    /// <summary>The vector steps this cpu can run.</summary>
    static PlacementKernel[] VectorKernels() =>
    [
        .. Avx2.IsSupported ? [PlacementKernel.Avx2] : Array.Empty<PlacementKernel>(),
        .. Avx512Vbmi2.IsSupported && Avx512Vbmi.IsSupported && Avx512BW.IsSupported ? [PlacementKernel.Avx512] : Array.Empty<PlacementKernel>(),
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Place_RandomBlocks_EqualsTheWalkOfSetBits(int events, int density, int spoiled)
    {
        if (VectorKernels().Length == 0) Assert.Inconclusive("no AVX2 on this cpu");
        foreach (var kernel in VectorKernels())
            for (int seed = 0; seed < 6; seed++)
            {
                var block = Block(events, density, spoiled, seed: 7000 * events + 10 * density + seed);
                var scalar = Run(block, PlacementKernel.Scalar);
                var vector = Run(block, kernel);
                Assert.AreEqual(scalar.Error, vector.Error, $"{kernel}, seed {seed}: error");
                if (spoiled == 0) Assert.IsNull(scalar.Error, $"seed {seed}: valid block: {scalar.Error}");
                if (scalar.Error is not null) continue;
                CollectionAssert.AreEqual(scalar.Offsets, vector.Offsets, $"{kernel}, seed {seed}: offsets");
                CollectionAssert.AreEqual(scalar.Slots, vector.Slots, $"{kernel}, seed {seed}: slot bytes");
                Assert.AreEqual((scalar.Small, scalar.Value, scalar.Data), (vector.Small, vector.Value, vector.Data), $"{kernel}, seed {seed}: cursors");
            }
    }

    /// <summary>
    /// A data column one byte short of the last event's bytes: both paths name that event and the bytes left, and with
    /// the byte there place every event. The random blocks cut the column by 1..20 bytes and compare the paths with each
    /// other, and the vector step leaves a cut word to the walk of set bits: the walk's bound is only checked here.
    /// </summary>
    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    public void Place_DataColumnShortOfTheLastEvent_NamesItOrPlacesAll(int missing)
    {
        const int events = 70, at = 24;
        int[] large = [3, 40, 69];
        var sizes = new int[events];
        Array.Fill(sizes, 4);
        var bits = new ColumnBits(DecodeScratch.BlockEvents);
        foreach (int e in large)
        {
            sizes[e] = 9 + e;
            bits.Set(e, 0, 0, 0, 1);
        }
        var cols = new ColumnSpans { LengthAt = at, LengthEnd = at, ValueAt = at, ValueEnd = at, DataAt = at };
        cols.DataEnd = cols.DataAt + large.Sum(e => sizes[e]) - missing;
        var block = new BlockInput(sizes, bits, new byte[ChunkDecoder.BufferLength(cols.DataEnd, events)], cols, cols.DataEnd + TraceTools.TraceFormat.Internals.Varint.Padding);
        foreach (var kernel in (PlacementKernel[])[PlacementKernel.Scalar, .. VectorKernels()])
        {
            var outcome = Run(block, kernel);
            if (missing == 0)
            {
                Assert.IsNull(outcome.Error, $"{kernel}: {outcome.Error}");
                Assert.AreEqual((at, at + 12, at + 12 + 49), (outcome.Offsets[3], outcome.Offsets[40], outcome.Offsets[69]), $"{kernel}");
                Assert.AreEqual(cols.DataEnd, outcome.Data, $"{kernel}: data cursor");
            }
            else
            {
                Assert.IsNotNull(outcome.Error, $"{kernel}: the last event was placed past the column");
                StringAssert.Contains(outcome.Error, $"event {900 + 69} needs {sizes[69]} data bytes, but the data column has {sizes[69] - 1} left", $"{kernel}");
            }
        }
    }

    static BlockInput Block(int events, int density, int spoiled, int seed)
    {
        var rng = new Random(seed);
        var bits = new ColumnBits(DecodeScratch.BlockEvents);
        var sizes = new int[events];
        var nibbles = new List<int>();
        var values = new List<byte>();
        int dataBytes = 0;
        for (int i = 0; i < events; i++)
        {
            sizes[i] = 1 + rng.Next(8);
            if (rng.Next(16) >= density) continue;
            bits.Set(i, 0, 0, 0, 1);
            if (rng.Next(40) == 0)
            {
                sizes[i] = 9 + rng.Next(300);
                dataBytes += sizes[i];
                continue;
            }
            int n = rng.Next(sizes[i] + 1);
            // A spoiled value holds more significant bytes than its size.
            if (rng.Next(64) < spoiled && sizes[i] < 8) n = sizes[i] + 1 + rng.Next(8 - sizes[i]);
            nibbles.Add(n);
            for (int b = 0; b < n; b++) values.Add(b == n - 1 ? (byte)(1 + rng.Next(255)) : (byte)rng.Next(256));
        }
        // A spoiled block may have a nibble too few (and its bytes), or a data column cut short.
        if (spoiled > 0 && rng.Next(3) == 0 && nibbles.Count > 0)
        {
            values.RemoveRange(values.Count - nibbles[^1], nibbles[^1]);
            nibbles.RemoveAt(nibbles.Count - 1);
        }
        if (spoiled > 0 && rng.Next(3) == 0 && dataBytes > 0) dataBytes -= 1 + rng.Next(Math.Min(dataBytes, 20));
        if (nibbles.Count % 2 == 1) nibbles.Add(0);
        var lengths = new byte[nibbles.Count / 2];
        for (int k = 0; k < lengths.Length; k++) lengths[k] = (byte)(nibbles[2 * k] | nibbles[2 * k + 1] << 4);
        int at = 24;
        var cols = new ColumnSpans { LengthAt = at, LengthEnd = at + lengths.Length };
        cols.ValueAt = cols.LengthEnd;
        cols.ValueEnd = cols.DataAt = cols.ValueAt + values.Count;
        cols.DataEnd = cols.DataAt + dataBytes;
        int valuesAt = cols.DataEnd + TraceTools.TraceFormat.Internals.Varint.Padding;
        var padded = new byte[ChunkDecoder.BufferLength(cols.DataEnd, events)];
        lengths.CopyTo(padded, cols.LengthAt);
        values.CopyTo(padded, cols.ValueAt);
        rng.NextBytes(padded.AsSpan(cols.DataAt, dataBytes));
        return new BlockInput(sizes, bits, padded, cols, valuesAt);
    }

    static Outcome Run(BlockInput b, PlacementKernel kernel)
    {
        int events = b.Sizes.Length;
        var batch = new EventBatch(events);
        b.Sizes.CopyTo(batch.Sizes, 0);
        Array.Fill(batch.DataOffsets, 12345); // an earlier chunk's offsets: events without bytes must read -1
        var padded = b.Padded.ToArray();
        var cursors = new ColumnCursors { Value = b.Cols.ValueAt, Data = b.Cols.DataAt };
        // A reused lengths buffer: stale bytes past this block's must not be read as its lengths.
        var lengths = Enumerable.Repeat((byte)0x7, 4 * events + 64).ToArray();
        string? error = null;
        try
        {
            if (kernel != PlacementKernel.Scalar) ChunkDecoder.UnpackSmallValues(padded, b.Cols, events, b.ValuesAt);
            if (kernel == PlacementKernel.Avx2) ChunkDecoder.UnpackLengthNibbles(padded, b.Cols, events, ref lengths);
            ChunkDecoder.PlaceData(padded, b.Cols, 0, events, 900, b.ValuesAt, b.Bits, batch, ref cursors, new ChunkOrigin("p.trace", 1, 40, true), kernel, lengths);
        }
        catch (TraceFormatException e)
        {
            error = e.Message;
        }
        return new Outcome(batch.DataOffsets[..events], padded[b.ValuesAt..(b.ValuesAt + 8 * cursors.Small)], cursors.Small, cursors.Value, cursors.Data, error);
    }
}
