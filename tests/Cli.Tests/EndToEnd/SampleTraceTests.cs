using TraceTools.Scenarios;
using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.EndToEnd;

/// <summary>The bundled .trace files are what their .scn compiles to today (so a format change cannot leave them stale).</summary>
[TestClass]
public sealed class SampleTraceTests
{
    /// <summary>Each .trace file in samples/traces.</summary>
    public static IEnumerable<object[]> Traces =>
        Directory.GetFiles(RepoPaths.Samples, "*.trace").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    [DynamicData(nameof(Traces))]
    public void SampleTrace_ReadBack_EqualsItsScenarioCompiledNow(string file)
    {
        string trace = Path.Combine(RepoPaths.Samples, file);
        var scenario = ScenarioCompiler.CompileFile(Path.ChangeExtension(trace, ".scn"));
        var expected = new EventBatch();
        scenario.Generate(expected);

        using var reader = TraceReader.Open(trace);
        Assert.IsTrue(reader.Metadata.ContentEquals(scenario.Metadata), "metadata differs: regenerate with `tracetools gen`");
        var actual = new EventBatch();
        var all = new EventBatch();
        while (reader.ReadBatch(actual))
            for (int i = 0; i < actual.Count; i++) all.Append(actual[i], actual.GetData(i));
        Assert.IsFalse(reader.Truncated);
        Assert.AreEqual(ScenarioWriter.Write(scenario.Metadata, expected), ScenarioWriter.Write(reader.Metadata, all));
        for (int i = 0; i < expected.Count; i++)
            Assert.IsTrue(expected.GetData(i).SequenceEqual(all.GetData(i)), $"event {i} bytes differ");
    }

    [TestMethod]
    public void Replay_SeedSampleAsJson_MatchesCliDocExample()
    {
        var (exit, output, _) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--format", "json");
        Assert.AreEqual(1, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var f = doc.RootElement.GetProperty("findings")[0];
        Assert.AreEqual("stale-dma-read", f.GetProperty("kind").GetString());
        var inst = f.GetProperty("instances")[0];
        Assert.AreEqual(3, inst.GetProperty("trigger").GetProperty("index").GetInt32());
        Assert.AreEqual("qm: mailbox fetch", inst.GetProperty("trigger").GetProperty("site").GetString());
        var related = inst.GetProperty("related");
        Assert.AreEqual("store", related[0].GetProperty("role").GetString());
        Assert.AreEqual(0, related[0].GetProperty("index").GetInt32());
        Assert.AreEqual("publish", related[1].GetProperty("role").GetString());
        Assert.AreEqual("mmio_write", related[1].GetProperty("op").GetString());
        Assert.AreEqual("0xfe000000", related[1].GetProperty("addr").GetString());
        Assert.AreEqual(16, related[1].GetProperty("size").GetInt32());
    }
}
