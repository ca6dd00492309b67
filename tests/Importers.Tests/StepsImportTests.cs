using TraceTools.Scenarios;
using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

[TestClass]
public sealed class StepsImportTests
{
    static string SamplesDir
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!Directory.Exists(Path.Combine(dir, "samples", "traces"))) dir = Path.GetDirectoryName(dir)!;
            return Path.Combine(dir, "samples", "traces");
        }
    }

    public static IEnumerable<object[]> SampleScenarios =>
        Directory.GetFiles(SamplesDir, "*.scn").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    /// <summary>gen's events of a sample, and its dump split into declarations (the layout) and steps.</summary>
    static (EventBatch Events, TraceMetadata Metadata, string Layout, string Steps) Dumped(string sample)
    {
        var scenario = ScenarioCompiler.CompileFile(Path.Combine(SamplesDir, sample));
        var events = new EventBatch();
        scenario.Generate(events);
        string text = ScenarioWriter.Write(scenario.Metadata, events);
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        return (events, scenario.Metadata, text[..(blank + 1)], text[(blank + 2)..]);
    }

    [TestMethod]
    [DynamicData(nameof(SampleScenarios))]
    public void Import_DumpOfEverySample_SameEventsAsGen(string sample)
    {
        var (expected, metadata, layout, steps) = Dumped(sample);
        using var h = new ImportHarness();
        var events = h.Run("steps", layout, [("steps.txt", steps)]);
        Assert.AreEqual(expected.Count, events.Count);
        for (int i = 0; i < events.Count; i++)
        {
            var e = expected[i];
            var got = events[i];
            Assert.AreEqual((e.Kind, metadata.Agents[e.Agent].Name, e.Address, e.Size, e.Aux), (got.Kind, got.Agent, got.Address, got.Size, got.Aux), $"event {i}");
            Assert.AreEqual(e.Site < 0 ? null : metadata.Sites[e.Site], got.Site, $"site of event {i}");
            CollectionAssert.AreEqual(expected.GetData(i).ToArray(), got.Data, $"bytes of event {i}");
        }
        CollectionAssert.AreEqual(metadata.Locks.ToArray(), h.Metadata.Locks.ToArray());
        // The layout's device lines carry coherence and the IOMMU mode at the start (kexec-*-passthrough samples).
        CollectionAssert.AreEqual(metadata.Agents.ToArray(), h.Metadata.Agents.ToArray());
    }

    [TestMethod]
    [DataRow(1_100, 'a')]  // past the importers' old cut of 1,024 characters
    [DataRow(4_096, 'a')]  // the format's string limit, in UTF-8 bytes
    [DataRow(1_365, 'é')]  // 2 bytes a character: 2,730 bytes
    public void Import_LongSiteTheCompilerAccepts_KeptWhole(int length, char c)
    {
        // recording.md: steps compile with the scenario compiler's sites, which take any text of up to 4,096 UTF-8 bytes.
        string site = new(c, length);
        const string layout = "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n";
        using var h = new ImportHarness();
        var events = h.Run("steps", layout, [("s.txt", $"cpu0: barrier dma_wmb @ \"{site}\"\n")]);
        Assert.AreEqual(site, events.Single().Site);
    }

    [TestMethod]
    public void Import_StepsInSeveralFiles_ConcatenatedWithOneMemoryImage()
    {
        const string layout = "arch arm64\ncpu cpu0\ndevice dev\nram buf 0x1000 size 0x100\n";
        using var h = new ImportHarness();
        var events = h.Run("steps", layout, [("a.txt", "cpu0: store buf size 4 = 0x11223344\n"), ("b.txt", "dev: dma_read buf size 4\ncpu0: lock l\n")]);
        CollectionAssert.AreEqual(new byte[] { 0x44, 0x33, 0x22, 0x11 }, events[1].Data, "the DMA read sees the store of the first file");
        Assert.AreEqual("l", h.Metadata.Locks.Single());
    }

    [TestMethod]
    [DataRow("cpu0: store buff size 4", 2, 13, "unknown region 'buff' (did you mean 'buf'?)")]
    [DataRow("cpu0: store buf + 0x100 size 4", 2, 13, "outside every region")]
    [DataRow("cpu0: stor buf size 4", 2, 7, "unknown op 'stor'")]
    [DataRow("repeat 3 as i {", 2, 1, "'repeat' is not a step")]
    [DataRow("ram more 0x9000 size 4", 2, 1, "declaration 'ram' in a steps input")]
    [DataRow("cpu0: store buf size 2 = 0x10000", 2, 26, "does not fit in 2 bytes")]
    [DataRow("cpu0: ret x0=1", 2, 7, "'ret' on cpu0 with no open smc/hvc call")]
    [DataRow("cpu0: smc 1 x0=2", 2, 13, "x0 is the function ID")]
    public void Import_BadStep_SameErrorAsTheCompilerWithFileLineColumn(string line, int lineNo, int column, string expected)
    {
        const string layout = "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n";
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ScenarioException>(() => h.Run("steps", layout, [("s.txt", "cpu0: barrier dma_wmb\n" + line + "\n")]));
        Assert.AreEqual((lineNo, column), (e.Line, e.Column), e.Message);
        StringAssert.Contains(e.Message, expected);
        StringAssert.StartsWith(e.Message, Path.Combine(h.Dir, "s.txt") + $":{lineNo}:{column}: ");
        if (!line.StartsWith("repeat", StringComparison.Ordinal) && !line.StartsWith("ram", StringComparison.Ordinal))
        {
            // The same line inside a scenario reports the same thing at the same column.
            var inScenario = Assert.ThrowsExactly<ScenarioException>(() => ScenarioCompiler.Compile(layout + line + "\n", "x.scn"));
            // An address outside the layout adds how to skip it, as every format says of such events.
            string skip = e.Unmapped is null ? "" : " (--skip-unmapped counts and skips such events)";
            Assert.AreEqual((column, e.Detail), (inScenario.Column, inScenario.Detail + skip));
        }
    }

    [TestMethod]
    [DataRow("cpu0: store buf + 0x100 size 4", "outside every region")]
    [DataRow("cpu0: store buf + 0xfe size 4", "straddles a region's end")]
    [DataRow("cpu0: store regs size 4", "memory access to an mmio region")]
    [DataRow("cpu0: mmio_write buf size 4 = 1", "mmio access outside mmio regions")]
    public void Import_StepOutsideTheLayout_SkippedAndCountedWithSkipUnmapped(string line, string reason)
    {
        const string layout = "arch arm64\ncpu cpu0\ndevice d\nram buf 0x1000 size 0x100\nmmio regs 0x3000 size 0x10 device d\n";
        using var h = new ImportHarness();
        var input = new[] { ("s.txt", "cpu0: barrier dma_wmb\n" + line + "\ncpu0: load buf size 4\n") };

        // Not malformed: --skip-malformed does not skip it.
        var e = Assert.ThrowsExactly<ScenarioException>(() => h.Run("steps", layout, input, skipMalformed: true));
        StringAssert.EndsWith(e.Message, "(--skip-unmapped counts and skips such events)");
        using var skipping = new ImportHarness();
        var events = skipping.Run("steps", layout, input, skipUnmapped: true);
        Assert.HasCount(2, events);
        Assert.AreEqual(1, skipping.Summary.Skipped[reason]);
    }

    [TestMethod]
    public void Import_BadStepWithSkipMalformed_Counted()
    {
        using var h = new ImportHarness();
        var events = h.Run("steps", "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n",
            [("s.txt", "cpu0: barrier dma_wmb\ncpu0: stor buf size 4\n\n# comment\ncpu0: load buf size 4\n")], skipMalformed: true);
        Assert.AreEqual(2, events.Count);
        Assert.AreEqual(1, h.Summary.Skipped["malformed line"]);
    }

    [TestMethod]
    public void Import_StepsInSeveralFiles_EachFileCompiledAfterTheWholePreviousOne()
    {
        // Concatenated, not merged: the second file's first step comes after the first file's last one.
        const string layout = "arch arm64\ncpu cpu0\ndevice dev\nram buf 0x1000 size 0x100\n";
        using var h = new ImportHarness();
        var events = h.Run("steps", layout, [("a.txt", "cpu0: store buf size 4 = 0x11223344\ncpu0: store buf size 4 = 0x55667788\n"), ("b.txt", "dev: dma_read buf size 4\n")]);
        CollectionAssert.AreEqual(new byte[] { 0x88, 0x77, 0x66, 0x55 }, events[2].Data, "the DMA read sees the last store of the first file");
    }
}
