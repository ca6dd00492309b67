using TraceTools.Scenarios;
using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>Every sample compiles, counts exactly, and survives scenario → events → dump → events.</summary>
[TestClass]
public sealed class SampleTests
{
    public static IEnumerable<object[]> Samples => Repo.Samples;

    static CompiledScenario Load(string name) => ScenarioCompiler.CompileFile(Path.Combine(Repo.SamplesDir, name));

    [TestMethod]
    public void Samples_Directory_HoldsSeedCasesAndAtLeastTwelveMore()
    {
        var names = Repo.Samples.Select(o => (string)o[0]).ToArray();
        Assert.IsGreaterThanOrEqualTo(18, names.Length, string.Join(", ", names));
        foreach (var seed in new[] { "hisi-qm-mailbox.scn", "hisi-qm-mailbox-fixed.scn", "vtd-pasid-clear-mangle.scn",
                     "vtd-pasid-clear-mangle-fixed.scn", "vtd-context-present-before-payload.scn", "vtd-context-present-before-payload-fixed.scn" })
            CollectionAssert.Contains(names, seed);
    }

    [TestMethod]
    [DynamicData(nameof(Samples))]
    public void Sample_Compiles_WithExpectations(string name)
    {
        var s = Load(name);
        Assert.IsNotEmpty(s.Expectations, "every sample states what the replay must find");
        Assert.IsGreaterThan(0L, s.CountEvents());
    }

    [TestMethod]
    [DynamicData(nameof(Samples))]
    public void Sample_CountEvents_EqualsGeneratedCount(string name)
    {
        var s = Load(name);
        Assert.AreEqual(s.CountEvents(), Gen.Events(s).Count);
    }

    [TestMethod]
    [DynamicData(nameof(Samples))]
    public void Sample_DumpThenCompile_GivesTheSameEventStream(string name)
    {
        var s = Load(name);
        var first = Gen.Events(s);
        string text = ScenarioWriter.Write(s.Metadata, first);
        var again = ScenarioCompiler.Compile(text, name + ".dump");
        var second = Gen.Events(again);
        AssertSameStream(s.Metadata, first, again.Metadata, second);
        Assert.AreEqual(s.Metadata.Arch, again.Metadata.Arch);
        Assert.AreEqual(s.Metadata.Name, again.Metadata.Name);
        CollectionAssert.AreEqual(s.Metadata.Agents.ToArray(), again.Metadata.Agents.ToArray());
        CollectionAssert.AreEqual(s.Metadata.Regions.ToArray(), again.Metadata.Regions.ToArray());
        Assert.AreEqual(text, ScenarioWriter.Write(again.Metadata, second), "dump is a fixed point");
    }

    internal static void AssertSameStream(TraceMetadata ma, EventBatch a, TraceMetadata mb, EventBatch b)
    {
        Assert.AreEqual(a.Count, b.Count, "event count");
        for (int i = 0; i < a.Count; i++)
        {
            var x = a[i];
            var y = b[i];
            Assert.AreEqual(x.Kind, y.Kind, $"kind of #{i}");
            Assert.AreEqual(x.Agent, y.Agent, $"agent of #{i}");
            Assert.AreEqual(x.Address, y.Address, $"address of #{i}");
            Assert.AreEqual(x.Size, y.Size, $"size of #{i}");
            if (x.Kind is EventKind.Lock or EventKind.Unlock)
                Assert.AreEqual(ma.Locks[(int)x.Aux], mb.Locks[(int)y.Aux], $"lock of #{i}");
            else
                Assert.AreEqual(x.Aux, y.Aux, $"aux of #{i}");
            Assert.AreEqual(x.Site < 0 ? null : ma.Sites[x.Site], y.Site < 0 ? null : mb.Sites[y.Site], $"site of #{i}");
            CollectionAssert.AreEqual(a.GetData(i).ToArray(), b.GetData(i).ToArray(), $"bytes of #{i}");
        }
    }

    [TestMethod]
    public void Dump_PatternBytesAndWideValues_RoundTrip()
    {
        const string text = "arch arm64\ncpu c\ndevice d\nram buf 0x1000 size 0x100\nmmio r 0x2000 size 0x20 device d\n" +
            "c: store buf size 24\nc: store buf + 32 size 16 = 0x1122334455667788\nd: dma_write buf + 64 size 3\nc: mmio_write r size 16 bytes \"000102030405060708090a0b0c0d0e0f\"\n";
        var s = Gen.Compile(text);
        var first = Gen.Events(s);
        string dumped = ScenarioWriter.Write(s.Metadata, first);
        StringAssert.Contains(dumped, "c: store buf + 0x20 size 16 = 0x1122334455667788");
        StringAssert.Contains(dumped, "c: mmio_write r size 16 bytes \"000102030405060708090a0b0c0d0e0f\"");
        var again = Gen.Compile(dumped);
        AssertSameStream(s.Metadata, first, again.Metadata, Gen.Events(again));
    }
}

[TestClass]
public sealed class ScenarioWriterTests
{
    [TestMethod]
    public void Write_EveryKind_PrintsTheScenarioSpelling()
    {
        const string text = """
            scenario "w \"q\""
            arch arm64
            cpu c
            device d noncoherent
            ram   buf 0x1000 size 0x100
            sync  flag 0x2000 size 0x10
            mmio  r 0x3000 size 0x10 device d
            table t 0x4000 entries 4 entry_size 32 granule 16 present bit 0 fetcher d
            c: store buf + 4 size 2 = 0xbeef @ "s"
            c: load flag size 4
            c: barrier barrier
            c: writel r + 8 = 7
            c: readq r
            c: cache_clean buf size 64
            c: cache_inval buf size 64
            c: cache_flush buf size 64
            c: dev_invalidate d t[2]
            c: dev_invalidate d all
            c: lock L
            c: unlock L
            c: take_irq d
            d: dma_write t[1] + 16 size 9 bytes "000000000000000001"
            d: dma_read buf size 8
            d: fetch t[3] granule 1
            d: raise_irq
            """;
        var s = Gen.Compile(text);
        string expected = """
            scenario "w \"q\""
            arch arm64
            cpu c
            device d noncoherent
            ram   buf 0x1000 size 0x100
            sync  flag 0x2000 size 0x10
            mmio  r 0x3000 size 0x10 device d
            table t 0x4000 entries 4 entry_size 32 granule 16 present bit 0 fetcher d

            c: store buf + 0x4 size 2 = 0xbeef @ "s"
            c: load flag size 4
            c: barrier barrier
            c: barrier dma_wmb
            c: mmio_write r + 0x8 size 4 = 0x7
            c: mmio_read r size 8
            c: barrier dma_rmb
            c: cache_clean buf size 64
            c: cache_inval buf size 64
            c: cache_flush buf size 64
            c: dev_invalidate d t[2]
            c: dev_invalidate d all
            c: lock L
            c: unlock L
            c: take_irq d
            d: dma_write t[1] + 16 size 9 bytes "000000000000000001"
            d: dma_read buf size 8
            d: fetch t[3] granule 1
            d: raise_irq

            """;
        Assert.AreEqual(expected.ReplaceLineEndings("\n"), ScenarioWriter.Write(s.Metadata, Gen.Events(s)).ReplaceLineEndings("\n"));
    }
}
