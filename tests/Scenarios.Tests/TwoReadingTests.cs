using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// gen's two readings of a long scenario (<see cref="StreamedScenario"/>): the trace bytes, or the error, are those
/// of the one reading that holds every step, wherever the steps are dropped (a budget of 1 drops them at the first
/// top-level statement, 7 part-way through), and the steps held stay within the budget and the batch.
/// </summary>
[TestClass]
public sealed class TwoReadingTests
{
    const long Limit = 1L << 32;

    public static IEnumerable<object[]> Budgets => [[1], [7]];

    public static IEnumerable<object[]> SamplesAndBudgets =>
        Repo.Samples.SelectMany(s => Budgets.Select(b => new object[] { s[0], b[0] }));

    /// <summary>The trace gen wrote before, or the error: the whole program compiled, measured, then generated.</summary>
    static string OneReading(string text, string name = "t.scn")
    {
        try
        {
            var s = ScenarioCompiler.Compile(text, name);
            s.Measure(Limit);
            return Trace(s.Metadata, s.Generate);
        }
        catch (ScenarioException e)
        {
            return "error: " + e.Message;
        }
    }

    static string TwoReadings(string text, int heldSteps, string name = "t.scn")
    {
        try
        {
            var s = ScenarioCompiler.CompileStreamed(() => new StringReader(text), name, null, Limit, heldSteps);
            s.Measure();
            return Trace(s.Metadata, s.Generate);
        }
        catch (ScenarioException e)
        {
            return "error: " + e.Message;
        }
    }

    /// <summary>The trace as hex (small chunks, so that a batch boundary falls inside most scenarios' events).</summary>
    static string Trace(TraceMetadata metadata, Action<IEventSink> generate)
    {
        var bytes = new MemoryStream();
        using (var writer = new TraceWriter(bytes, metadata, new TraceWriterOptions { ChunkEvents = 5, Codec = TraceCodec.None }))
        {
            generate(writer);
            writer.Complete();
        }
        return Convert.ToHexString(bytes.ToArray());
    }

    [TestMethod]
    [DynamicData(nameof(SamplesAndBudgets))]
    public void Sample_TwoReadings_SameTraceBytes(string name, int heldSteps)
    {
        string text = File.ReadAllText(Path.Combine(Repo.SamplesDir, name));
        Assert.AreEqual(OneReading(text, name), TwoReadings(text, heldSteps, name));
        if (heldSteps == 1)
            Assert.IsTrue(ScenarioCompiler.CompileStreamed(() => new StringReader(text), name, null, Limit, 1).ReadsTwice, "the steps were dropped");
    }

    // What carries over from one batch of steps to the next: the memory image and the store pattern, open firmware
    // calls ('ret same' reads its call's registers), sites and locks interned in first-appearance order, loop slots
    // reused, 'let's, 'bytes' and 'expect' lines.
    [TestMethod]
    [DataRow("cpu0: store buf size 8\ncpu0: store buf + 8 size 8\ncpu0: load buf size 16\ndev: dma_read buf size 16\n", DisplayName = "pattern stores read back")]
    [DataRow("let n = 3\nlet base = 0x10\nrepeat n as i {\n  cpu0: store buf + base + i * 8 size 8 = i + 1 @ \"loop\"\n}\ncpu0: load buf + 0x10 size 24 @ \"after\"\nrepeat 2 as j {\n  repeat j + 1 as k {\n    cpu0: load buf + k size 1 @ \"loop\"\n  }\n}\n", DisplayName = "loops, lets, sites")]
    [DataRow("cpu0: lock b\ncpu0: lock a @ \"x\"\ncpu0: unlock b\ncpu0: unlock a @ \"y\"\ncpu0: lock c\ncpu0: unlock c @ \"x\"\n", DisplayName = "locks")]
    [DataRow("cpu0: store buf + 0x10 size 2 bytes \"0102\"\ncpu0: load buf + 0x10 size 4\nexpect none\n", DisplayName = "bytes, expect")]
    [DataRow("cpu0: iommu_mode dev translate\ncpu0: quiesce dev\ndev: dma_read buf size 4\ncpu0: iommu_mode dev bypass\n", DisplayName = "iommu_mode, DMA after it")]
    public void Steps_TwoReadings_SameTraceBytes(string steps) => AssertSameAtBudgets(Gen.Header + steps, 1, 2, 3, 7);

    static void AssertSameAtBudgets(string text, params int[] budgets)
    {
        string one = OneReading(text);
        foreach (int heldSteps in budgets) Assert.AreEqual(one, TwoReadings(text, heldSteps), $"held {heldSteps}");
    }

    [TestMethod]
    public void FirmwareCalls_OpenAcrossBatches_SameTraceBytes()
    {
        const string text = "arch arm64\ncpu c, d\nc: smc 0x84000063 x1=5 x8=8\nd: hvc 1\nc: smc 3 x2=2\nc: ret same x0=1\nd: ret\nrepeat 2 as i {\nc: smc 0x84000063 x2=i * 2\nc: ret same x3=i\n}\nc: ret same x9=0\n";
        AssertSameAtBudgets(text, 1, 2, 5);
    }

    // Errors: those of the compile come first, wherever they are; then the count's (held until the compile is done);
    // then the generation's, after some events.
    [TestMethod]
    [DataRow("cpu0: store buf size 4\ncpu0: stor buf size 4\n", DisplayName = "compile error after the drop")]
    [DataRow("repeat 2 as i {\n  repeat 10 / i as j {\n    cpu0: barrier dmb.ish\n  }\n}\ncpu0: store buf size 4\ncpu0: lod buf size 4\n", DisplayName = "count error, then a compile error")]
    [DataRow("repeat 2 as i {\n  repeat 10 / i as j {\n    cpu0: barrier dmb.ish\n  }\n}\ncpu0: store buf size 4\n", DisplayName = "count error")]
    [DataRow("cpu0: store buf size 4\nrepeat 3 as i {\n  cpu0: store buf + i * 0x80 size 0x100\n}\n", DisplayName = "generation error")]
    [DataRow("cpu0: iommu_mode dev abort\ncpu0: store buf size 4\ncpu0: iommu_mode dev bypass\n", DisplayName = "iommu_mode of a fetcher")]
    [DataRow("cpu0: store buf size 4\ncpu0: ret\n", DisplayName = "ret with no call")]
    [DataRow("cpu0: store buf size 4\nrepeat 2 as i {\n", DisplayName = "unclosed repeat")]
    public void Error_TwoReadings_SameMessage(string steps)
    {
        foreach (int heldSteps in new[] { 1, 2 })
        {
            string two = TwoReadings(Gen.Header + steps, heldSteps);
            StringAssert.StartsWith(two, "error: ");
            Assert.AreEqual(OneReading(Gen.Header + steps), two, $"held {heldSteps}");
        }
    }

    [TestMethod]
    public void MaxEvents_Counted_AsTheWholeProgram()
    {
        // The counts stop where the whole program's stop: at the first loop that passes the limit.
        string text = Gen.Header + "cpu0: store buf size 4\nrepeat 100 as i {\n}\ncpu0: store buf size 4\nrepeat 10 as i {\n  cpu0: load buf size 4\n}\ncpu0: load buf size 4\n";
        foreach (long limit in new long[] { 1, 2, 11, 12, 13, 100, 101, 1000 })
        {
            var whole = ScenarioCompiler.Compile(text, "t.scn").Measure(limit);
            var streamed = ScenarioCompiler.CompileStreamed(() => new StringReader(text), "t.scn", null, limit, 1);
            Assert.IsTrue(streamed.ReadsTwice);
            Assert.AreEqual(whole, streamed.Measure(), $"limit {limit}");
        }
    }

    [TestMethod]
    [DataRow("cpu0: store buf size 4 @ \"a\"\ncpu0: store buf size 4 @ \"c\"\ncpu0: store buf size 4 @ \"d\"\n", DisplayName = "more sites")]
    [DataRow("cpu0: store buf size 4 @ \"a\"\ncpu0: stor buf size 4 @ \"b\"\n", DisplayName = "an error the first reading did not find")]
    public void TextChanged_BeforeTheSecondReading_Refused(string secondSteps)
    {
        int opened = 0;
        string first = Gen.Header + "cpu0: store buf size 4 @ \"a\"\ncpu0: store buf size 4 @ \"b\"\n";
        var s = ScenarioCompiler.CompileStreamed(() => new StringReader(opened++ == 0 ? first : Gen.Header + secondSteps), "t.scn", null, Limit, 1);
        var e = Assert.ThrowsExactly<ScenarioException>(() => s.Generate(new EventBatch(16)));
        StringAssert.StartsWith(e.Message, "t.scn: the scenario changed while it was read");
    }

    [TestMethod]
    public void ShortScenario_WithinTheBudget_ReadOnce()
    {
        int opened = 0;
        var s = ScenarioCompiler.CompileStreamed(() => { opened++; return new StringReader(Gen.Header + "cpu0: store buf size 4\n"); }, "t.scn", null, Limit);
        s.Generate(new EventBatch(16));
        Assert.IsFalse(s.ReadsTwice);
        Assert.AreEqual(1, opened);
    }
}
