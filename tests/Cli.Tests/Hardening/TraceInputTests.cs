using TraceTools.Cli.Replaying;
using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// Issue 12, other output and hardening 5 and 8: replay reads stdin, /dev/stdin and FIFOs; missing and
/// unreadable files are one line; bad events are refused by replay, info and dump alike, naming file and
/// chunk; a trace cut while replay reads it, and dump --from on a pipe.
/// </summary>
[TestClass]
public sealed class TraceInputTests
{
    [TestMethod]
    [DataRow("-")]
    [DataRow("/dev/stdin")]
    public void Replay_TraceOnAPipe_SameReportAsTheFile(string name)
    {
        using var s = new Scratch();
        string trace = Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace");
        var fromFile = ChildTool.Run(["replay", trace, "--quiet"]);

        var fromPipe = ChildTool.Run(["replay", name, "--quiet"], stdin: File.ReadAllBytes(trace));

        Assert.AreEqual(1, fromFile.Exit, fromFile.Err);
        Assert.AreEqual(fromFile.Exit, fromPipe.Exit, fromPipe.Err);
        Assert.AreEqual(fromFile.Out.Replace(trace, "X", StringComparison.Ordinal), fromPipe.Out.Replace(name == "-" ? "stdin" : name, "X", StringComparison.Ordinal));
    }

    [TestMethod]
    [DataRow("-")]
    [DataRow("/dev/stdin")]
    public void ReplaySarif_TraceOnStdin_NoArtifactNamedAfterTheStream(string name)
    {
        // SARIF viewers resolve every artifactLocation uri as a file: a piped trace has none, so its locations
        // carry no physicalLocation (docs/reports.md); the same trace given by path still points at the file.
        string trace = Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace");
        var fromFile = ChildTool.Run(["replay", trace, "--format", "sarif"]);
        var fromPipe = ChildTool.Run(["replay", name, "--format", "sarif"], stdin: File.ReadAllBytes(trace));

        Assert.AreEqual(1, fromPipe.Exit, fromPipe.Err);
        Assert.Contains($"\"uri\": \"{SarifLocationsUri(trace)}\"", fromFile.Out);
        Assert.DoesNotContain("\"uri\"", fromPipe.Out.Replace("\"helpUri\"", "", StringComparison.Ordinal).Replace("\"informationUri\"", "", StringComparison.Ordinal));
        Assert.DoesNotContain("physicalLocation", fromPipe.Out);
    }

    static string SarifLocationsUri(string path) => TraceTools.Cli.Reports.SarifLocations.ArtifactUri(path);

    [TestMethod]
    public void Replay_Fifo_Reports()
    {
        using var s = new Scratch();
        string fifo = s.Path("in.fifo");
        if (!Scratch.Shell("mkfifo", fifo)) Assert.Inconclusive("mkfifo is not available");
        string trace = Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace");
        var writer = Task.Run(() =>
        {
            using var f = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            f.Write(File.ReadAllBytes(trace));
        });

        var (exit, output, err) = RepoPaths.Run("replay", fifo, "--quiet");

        Assert.IsTrue(writer.Wait(TimeSpan.FromSeconds(20)));
        Assert.AreEqual(1, exit, err);
        Assert.Contains("stale-dma-read", output);
    }

    [TestMethod]
    public void DumpFrom_OnAPipe_SkipsForward()
    {
        string trace = Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace");
        var fromFile = RepoPaths.Run("dump", trace, "--from", "2");

        var fromPipe = ChildTool.Run(["dump", "-", "--from", "2"], stdin: File.ReadAllBytes(trace));

        Assert.AreEqual(0, fromPipe.Exit, fromPipe.Err);
        Assert.AreEqual(fromFile.Out, fromPipe.Out);
    }

    [TestMethod]
    [DataRow("replay")]
    [DataRow("info")]
    [DataRow("dump")]
    [DataRow("gen")]
    [DataRow("check")]
    public void Verb_MissingOrDirectoryInput_OneLineInOurWords(string verb)
    {
        using var s = new Scratch();
        string missing = s.Path("missing.file");
        string[] Args(string input) => verb == "gen" ? [verb, input, "-o", s.Path("o.trace")] : [verb, input];

        var a = RepoPaths.Run(Args(missing));
        var b = RepoPaths.Run(Args(s.Dir));

        HardeningAsserts.OneLineError(a.Exit, a.Err, "no such file");
        Assert.DoesNotContain("Could not", a.Err);
        if (verb != "check") HardeningAsserts.OneLineError(b.Exit, b.Err, "directory");
        Assert.DoesNotContain("Access to the path", b.Err);
    }

    static string TraceWithEventOutsideRegions(Scratch s)
    {
        string path = s.Path("bad.trace");
        var m = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu)],
            Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
        };
        TraceFile.Write(path, m, new TraceWriterOptions { ChunkEvents = 2 }, sink =>
        {
            sink.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8), new byte[8]);
            sink.Append(new TraceEvent(EventKind.Store, 0, 0x1008, 8), new byte[8]);
            sink.Append(new TraceEvent(EventKind.Store, 0, 0x9000, 8), new byte[8]);
        });
        return path;
    }

    [TestMethod]
    [DataRow("replay")]
    [DataRow("info")]
    [DataRow("dump")]
    public void Verb_EventOutsideEveryRegion_RefusedNamingFileAndChunk(string verb)
    {
        using var s = new Scratch();
        string trace = TraceWithEventOutsideRegions(s);

        var (exit, output, err) = RepoPaths.Run(verb, trace);

        HardeningAsserts.OneLineError(exit, err, trace + ": chunk 1, event #2");
        Assert.Contains("outside every region", err);
        Assert.DoesNotContain("0x9000", output, "dump printed an address gen cannot compile back");
    }

    [TestMethod]
    public void Replay_FirmwareCallsNestedBeyondTheCap_OneLineNamingTheEvent()
    {
        // A trace of nested smc calls only: memory must follow the nesting cap (model.md §12), not the input.
        using var s = new Scratch();
        string trace = s.Path("nested.trace");
        var m = new TraceMetadata { Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [] };
        TraceFile.Write(trace, m, new TraceWriterOptions { ChunkEvents = 16 }, sink =>
        {
            var registers = new byte[EventKinds.RegisterBytes];
            for (int i = 0; i < 1000; i++) sink.Append(new TraceEvent(EventKind.FirmwareCall, 0, 0, EventKinds.RegisterBytes), registers);
        });

        var (exit, _, err) = RepoPaths.Run("replay", trace);

        HardeningAsserts.OneLineError(exit, err, "event #64: smc on cpu0 opens a firmware call nested 65 deep");
    }

    [TestMethod]
    public void EventLookup_TraceCutAfterReplayRead_CleanBadInputError()
    {
        using var s = new Scratch();
        string trace = s.Path("cut.trace");
        var m = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu)],
            Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
        };
        TraceFile.Write(trace, m, new TraceWriterOptions { ChunkEvents = 4 }, sink =>
        {
            for (int i = 0; i < 64; i++) sink.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8), new byte[8]);
        });
        // replay has read the whole trace; then the file is cut, and the report looks events up in it.
        using (var f = new FileStream(trace, FileMode.Open, FileAccess.Write)) f.SetLength(f.Length / 3);
        using var lookup = new TraceEventLookup(trace);

        var e = Assert.Throws<Exception>(() => _ = lookup[60]);

        Assert.IsInstanceOfType<BadInputException>(e, e.ToString());
        Assert.Contains("cut.trace", e.Message);
    }

    [TestMethod]
    [DataRow("replay")]
    [DataRow("info")]
    [DataRow("dump")]
    public void Verb_MissingTrace_TheLineNamesTheFile(string verb)
    {
        using var s = new Scratch();
        string missing = s.Path("missing.trace");

        var (exit, _, err) = RepoPaths.Run(verb, missing);

        HardeningAsserts.OneLineError(exit, err, $"tracetools {verb}: cannot read '{missing}': no such file");
    }
}
