using TraceTools.Replay.Findings;
using System.Text.Json;
using TraceTools.Scenarios.Synth;

namespace TraceTools.Tests.Synth;

[TestClass]
public sealed class TruthFileWriterTests
{
    static string TempPath() => Path.Combine(Path.GetTempPath(), $"synth-truth-{Guid.NewGuid():N}.json");

    [TestMethod]
    public void Commit_WritesBugsInOrder_ParsesBack()
    {
        string path = TempPath();
        var findings = new[] { new ExpectedFinding(FindingKind.DmaRace, 3), new ExpectedFinding(FindingKind.StaleCpuRead, 10), new ExpectedFinding(FindingKind.TornEntryUpdate, 11) };
        using (var writer = new TruthFileWriter(path))
        {
            foreach (var f in findings) writer.Add(f);
            writer.Commit();
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var bugs = doc.RootElement.GetProperty("bugs").EnumerateArray().Select(b => (b.GetProperty("kind").GetString(), b.GetProperty("trigger").GetInt64())).ToList();
        CollectionAssert.AreEqual(findings.Select(f => (f.Kind.Name(), f.Trigger)).ToList(), bugs);
        Assert.AreEqual(1, doc.RootElement.EnumerateObject().Count());
        File.Delete(path);
    }

    [TestMethod]
    public void Dispose_WithoutCommit_LeavesNothing()
    {
        string path = TempPath();
        using (var writer = new TruthFileWriter(path)) writer.Add(new ExpectedFinding(FindingKind.DmaRace, 1));
        Assert.IsFalse(File.Exists(path));
        Assert.AreEqual(0, Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*").Length);
    }

    [TestMethod]
    public void Add_OutOfOrder_Throws()
    {
        string path = TempPath();
        using var writer = new TruthFileWriter(path);
        writer.Add(new ExpectedFinding(FindingKind.DmaRace, 5));
        Assert.ThrowsExactly<InvalidOperationException>(() => writer.Add(new ExpectedFinding(FindingKind.DmaRace, 4)));
    }

    [TestMethod]
    public void Generator_WithInjection_TruthFileEqualsInMemoryTruth()
    {
        string path = TempPath();
        var options = new SynthOptions { Events = 20_000, Seed = 6, InjectRate = 0.1 };
        var list = new ExpectedFindingList();
        new DriverMixGenerator(options, list).Run(new DiscardingSink());
        using (var writer = new TruthFileWriter(path))
        {
            new DriverMixGenerator(options, writer).Run(new DiscardingSink());
            writer.Commit();
            Assert.AreEqual(list.Count, writer.Count);
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        Assert.AreEqual(list.Count, doc.RootElement.GetProperty("bugs").GetArrayLength());
        Assert.IsTrue(list.Count > 0);
        File.Delete(path);
    }

    [TestMethod]
    public void Commit_TargetExists_ReplacesIt()
    {
        string path = TempPath();
        File.WriteAllText(path, """{"bugs": [{"kind": "dma-race", "trigger": 1}]}""");
        using (var writer = new TruthFileWriter(path))
        {
            writer.Add(new ExpectedFinding(FindingKind.StaleDmaRead, 7));
            writer.Commit();
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var bug = doc.RootElement.GetProperty("bugs").EnumerateArray().Single();
        Assert.AreEqual(("stale-dma-read", 7L), (bug.GetProperty("kind").GetString(), bug.GetProperty("trigger").GetInt64()));
        File.Delete(path);
    }
}
