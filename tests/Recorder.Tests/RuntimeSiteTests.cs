using TraceTools.Tests.Recorder.Support;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Recorder;

/// <summary>
/// tt_add_site keeps a run-time site as the importers keep sites (docs/recording.md, "Sites"): invalid UTF-8
/// becomes U+FFFD, text over 4096 bytes is cut at the last whole character, control characters become '?'. It used to
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
            new string('z', 4095), new string('?', 2048),
        ];
        // The importers' own rule (TraceLimits.SanitizedText over the text decoded as .NET decodes UTF-8) gives the same.
        byte[][] sources =
        [
            "tab\there"u8.ToArray(), "del\x7fhere"u8.ToArray(), "nel\u0085here"u8.ToArray(),
            [.. "a"u8, 0xFF, .. "b"u8], [.. "cut"u8, 0xE2, 0x82], [.. "sur"u8, 0xED, 0xA0, 0x80, .. "x"u8],
            [.. Enumerable.Repeat((byte)'x', 4097)], [.. Enumerable.Repeat((byte)'y', 4094), .. "€"u8], "café"u8.ToArray(),
            [.. Enumerable.Repeat((byte)'z', 4095), 0xC2, 0x85, .. "w"u8], [.. Enumerable.Range(0, 4200).Select(i => (byte)(i % 2 == 0 ? 0xC2 : 0x85))],
        ];
        for (int i = 0; i < sources.Length; i++)
            Assert.AreEqual(expected[i], TraceLimits.SanitizedText(System.Text.Encoding.UTF8.GetString(sources[i])).ToString(), $"the importers' rule on text {i}");
        Assert.AreEqual(expected.Length, batch.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], reader.Metadata.Sites[batch[i].Site], $"site of store {i}");
    }
}
