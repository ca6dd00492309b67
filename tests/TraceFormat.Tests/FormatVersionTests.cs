using TraceTools.TraceFormat;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

[TestClass]
public sealed class FormatVersionTests
{
    static string SamplesDir
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "samples", "traces"))) dir = dir.Parent;
            return dir is null ? throw new DirectoryNotFoundException("samples/traces above the test directory") : Path.Combine(dir.FullName, "samples", "traces");
        }
    }

    static string FixturesDir => Path.Combine(SamplesDir, "..", "..", "tests", "TraceFormat.Tests", "Fixtures");

    /// <summary>The committed sample traces, written by the v1 writer.</summary>
    public static IEnumerable<object[]> Samples() =>
        Directory.GetFiles(SamplesDir, "*.trace").Order(StringComparer.Ordinal).Select(p => new object[] { Path.GetFileName(p) });

    [TestMethod]
    [DynamicData(nameof(Samples))]
    public void TraceReader_CommittedV1Sample_ReadsAndRewritesAsV4WithTheSameEvents(string name)
    {
        using var v1 = TraceReader.Open(Path.Combine(SamplesDir, name));
        Assert.AreEqual(1, v1.Version, "the committed samples are v1");
        var events = RandomTraces.ReadAll(v1);
        Assert.IsFalse(v1.Truncated);
        Assert.IsNotEmpty(events);

        Assert.IsNull(v1.Census, "v1 has no census");

        var bytes = RandomTraces.Write(v1.Metadata, events);
        using var v4 = TraceReader.Open(new MemoryStream(bytes), name);
        Assert.AreEqual(4, v4.Version);
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(v4));
        CensusAssert.SameAs(events, v4.Census);
    }

    /// <summary>
    /// Fixtures/random-v1.trace and random-v2.trace were written by the v1/v2-era writer (before format v3)
    /// from RandomTraces(20261202 + version): arm64 metadata, 200 events of kinds 0..15, lz4, 64-event chunks.
    /// The same generator with 16 kinds must give the same metadata and events, and the v4 writer must carry them.
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void TraceReader_FixtureWrittenBeforeV3_ReadsTheEventsItWasWrittenFrom(int version)
    {
        var gen = new RandomTraces(20261202 + version);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 200, EventKinds.CountBeforeV3);

        using var old = TraceReader.Open(Path.Combine(FixturesDir, $"random-v{version}.trace"));
        Assert.AreEqual(version, old.Version);
        Assert.IsTrue(m.ContentEquals(old.Metadata), "metadata");
        Assert.IsTrue(old.HasIndex);
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(old));
        Assert.IsFalse(old.Truncated);
        Assert.IsTrue(events.Any(e => e.Event.Kind == EventKind.RaiseIrq), "nibble 15 of v1/v2 is raise_irq");

        Assert.IsNull(old.Census, $"v{version} has no census");

        using var v4 = TraceReader.Open(new MemoryStream(RandomTraces.Write(m, events)), "v4.trace");
        Assert.AreEqual(4, v4.Version);
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(v4));
        CensusAssert.SameAs(events, v4.Census);
    }

    /// <summary>
    /// Fixtures/random-v3.trace was written by the v3 writer before the column decoder was rewritten (SIMD kind
    /// classification, per-column passes over bitmaps) from RandomTraces(20261205): arm64 metadata, 200 events of
    /// kinds 0..25, lz4, 64-event chunks. The decoder must read from it the events it was written from.
    /// </summary>
    [TestMethod]
    public void TraceReader_V3FixtureWrittenBeforeTheDecoderRewrite_ReadsTheEventsItWasWrittenFrom()
    {
        var gen = new RandomTraces(20261205);
        var m = gen.Metadata(Arch.Arm64);
        var events = gen.Events(m, 200);

        using var v3 = TraceReader.Open(Path.Combine(FixturesDir, "random-v3.trace"));
        Assert.AreEqual(3, v3.Version);
        Assert.IsTrue(m.ContentEquals(v3.Metadata), "metadata");
        Assert.IsTrue(v3.HasIndex);
        RandomTraces.AssertSameEvents(events, RandomTraces.ReadAll(v3));
        Assert.IsFalse(v3.Truncated);
        Assert.IsNull(v3.Census, "v3 has no census");
        Assert.IsTrue(events.Any(e => e.Event.Kind > EventKind.RaiseIrq), "extended kinds 16..25 are in the fixture");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(5)]
    public void TraceWriter_UnknownFormatVersion_IsRefused(int version)
    {
        var m = new RandomTraces(1).Metadata(Arch.Arm64);
        Assert.ThrowsExactly<ArgumentException>(() => new TraceWriter(new MemoryStream(), m, new TraceWriterOptions { FormatVersion = version }));
    }

    [TestMethod]
    [DataRow((ushort)0)]
    [DataRow((ushort)5)]
    public void TraceReader_UnknownFormatVersion_NamesTheVersionsItReads(ushort version)
    {
        var gen = new RandomTraces(2);
        var m = gen.Metadata(Arch.Arm64);
        var bytes = RandomTraces.Write(m, gen.Events(m, 10));
        BitConverter.TryWriteBytes(bytes.AsSpan(8), version);
        var e = Assert.ThrowsExactly<TraceFormatException>(() => TraceReader.Open(new MemoryStream(bytes), "v.trace"));
        StringAssert.Contains(e.Message, $"format version {version}; this reader reads versions 1..4");
        Assert.AreEqual(8L, e.ByteOffset);
    }

    [TestMethod]
    public void EventBatch_SiteColumnCorrupted_ThrowsWhenSitesAreReadNotWhenDecoded()
    {
        // The first seed whose random trace names sites.
        var (m, events) = Enumerable.Range(4, 50).Select(seed =>
        {
            var gen = new RandomTraces(seed);
            var md = gen.Metadata(Arch.Arm64);
            return (md, gen.Events(md, 40));
        }).First(c => c.Item2.Any(e => e.Event.Site >= 0));
        var bytes = RandomTraces.Write(m, events, new TraceWriterOptions { Codec = TraceCodec.None });
        CorruptFirstSite(bytes, m.Sites.Count);

        using var reader = TraceReader.Open(new MemoryStream(bytes), "s.trace");
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch), "the columns replay reads are intact");
        var e = Assert.ThrowsExactly<TraceFormatException>(() => batch.Sites);
        StringAssert.Contains(e.Message, "names site 127, but the trace interns");
    }

    /// <summary>Sets the first site varint of the only (codec none) chunk to 127, out of range, and fixes the chunk's CRCs.</summary>
    static void CorruptFirstSite(byte[] trace, int siteCount)
    {
        Assert.IsLessThan(127, siteCount);
        int chunk = 20 + BitConverter.ToInt32(trace, 12);
        int payload = chunk + 36;
        int count = BitConverter.ToInt32(trace, chunk + 4);
        int columns = payload + 36 + 2 * count; // v3 column table, kinds, 1-byte agents
        int siteAt = columns;
        for (int c = 0; c < 4; c++) siteAt += BitConverter.ToInt32(trace, payload + 4 * c); // address lengths, addresses, sizes, aux
        Assert.IsGreaterThan(0, BitConverter.ToInt32(trace, payload + 16), "site column");
        trace[siteAt] = 127;
        int stored = BitConverter.ToInt32(trace, chunk + 20);
        BitConverter.TryWriteBytes(trace.AsSpan(chunk + 28), Crc32C(trace.AsSpan(payload, stored)));
        BitConverter.TryWriteBytes(trace.AsSpan(chunk + 32), Crc32C(trace.AsSpan(chunk, 32)));
    }

    static uint Crc32C(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes) crc = System.Numerics.BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
