using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// <c>dump</c> of a trace whose memory values were not recorded (<see cref="TraceMetadata.MemoryValuesRecorded"/> false,
/// a QEMU import): stores and DMA writes without a value, which the pattern regenerates; gen of it gives the same events.
/// </summary>
[TestClass]
public sealed class UnrecordedValuesDumpTests
{
    const string Steps = """
        cpu0: store buf size 4
        cpu0: store buf + 0x8 size 8
        cpu0: store_release flag size 4 = 0x01020304
        cpu0: xchg flag + 8 size 8 = 0x7
        cpu0: mmio_write regs size 4 = 0x1000
        dev:  dma_read buf size 16
        dev:  dma_write buf + 0x4 size 4
        cpu0: load buf size 8
        """;

    static TraceMetadata NotRecorded(TraceMetadata m) => new()
    {
        Name = m.Name, Arch = m.Arch, Agents = m.Agents, Regions = m.Regions, Locks = m.Locks, Sites = m.Sites,
        CacheLineSize = m.CacheLineSize, MemoryValuesRecorded = false,
    };

    static List<string> Shown(EventBatch b) =>
        [.. Enumerable.Range(0, b.Count).Select(i => $"{b[i].Kind} {b[i].Agent} {b[i].Address:x} {b[i].Size} {Convert.ToHexString(b.GetData(i))}")];

    [TestMethod]
    public void Dump_NotRecorded_StoresAndDmaWritesWithoutValue_GenGivesTheSameEvents()
    {
        var s = Gen.Compile(Gen.Header + Steps + "\n");
        var events = Gen.Events(s);
        string dump = ScenarioWriter.Write(NotRecorded(s.Metadata), events);

        var lines = dump.Split('\n');
        Assert.AreEqual(ScenarioWriter.NotRecordedComment, lines[0]);
        var steps = lines.SkipWhile(l => l.Length > 0).Skip(1).Where(l => l.Length > 0).ToArray();
        foreach (var step in steps.Where(l => l.Contains(" store ", StringComparison.Ordinal) || l.Contains(" dma_write ", StringComparison.Ordinal)))
            Assert.DoesNotContain("= 0x", step, dump);
        StringAssert.Contains(dump, "mmio_write regs size 4 = 0x1000");
        StringAssert.Contains(dump, "store_release flag size 4 = 0x1020304", "the step needs a value: the stand-in is kept");

        CollectionAssert.AreEqual(Shown(events), Shown(Gen.Events(dump)), dump);
    }

    [TestMethod]
    public void Dump_Recorded_ValuesAndNoComment()
    {
        var s = Gen.Compile(Gen.Header + Steps + "\n");
        string dump = ScenarioWriter.Write(s.Metadata, Gen.Events(s));
        Assert.DoesNotContain("not recorded", dump);
        Assert.AreEqual(3, dump.Split('\n').Count(l => (l.Contains(" store ", StringComparison.Ordinal) || l.Contains(" dma_write ", StringComparison.Ordinal)) && l.Contains("= 0x", StringComparison.Ordinal)), dump);
    }
}
