using TraceTools.Tests.Recorder.Support;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Recorder;

/// <summary>
/// tt_add_site keeps a run-time site as the importers keep sites (docs/recording.md, "Sites"): invalid UTF-8
/// becomes U+FFFD, control characters '?', text over 4096 bytes is cut at the last whole character. It used to
/// take any text, and then tt_start failed and the whole recording was lost.
/// </summary>
[TestClass]
public sealed class RuntimeSiteTests
{
    [TestMethod]
    public void AddSite_TextTheHeaderCannotHold_SanitisedAndTheRecordingKept()
    {
        using var program = new CProgram(CProgram.ProgramsDir, "runtime_sites.c");
        string path = Path.Combine(program.Dir, "sites.trace");

        var (exit, _, err) = program.Run(path);

        Assert.AreEqual(0, exit, err);
        using var reader = TraceReader.Open(path);
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch));
        string[] expected =
        [
            "tab?here", "del?here", "nel?here",
            "a\uFFFDb", "cut\uFFFD", "sur\uFFFD\uFFFD\uFFFDx",
            new string('x', 4096), new string('y', 4094), "café",
        ];
        Assert.AreEqual(expected.Length, batch.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], reader.Metadata.Sites[batch[i].Site], $"site of store {i}");
    }
}
