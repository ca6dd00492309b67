using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// replay checks events in the engine (one region lookup per access) and runs the CLI's own check only on a
/// chunk the engine refused: the error stays the one info and dump give (the first event the check refuses,
/// named by file and chunk) even when the engine stops at an earlier event the check accepts, and for every
/// thread count.
/// </summary>
[TestClass]
public sealed class ReplayCheckTests
{
    static readonly TraceMetadata Layout = new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu), new("smmu", AgentKind.Device)],
        Regions =
        [
            new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 },
            new RegionInfo { Name = "ste", Kind = RegionKind.Table, Base = 0x2000, Size = 0x100, Device = 1, Entries = 4, EntrySize = 0x40, Granule = 8 },
            new RegionInfo { Name = "regs", Kind = RegionKind.Mmio, Base = 0x3000, Size = 0x10, Device = 1 },
        ],
    };

    /// <summary>Two good stores (chunk 0), then <paramref name="bad"/> in chunk 1 (events #2, #3).</summary>
    static string Trace(Scratch s, params TraceEvent[] bad)
    {
        string path = s.Path("bad.trace");
        TraceFile.Write(path, Layout, new TraceWriterOptions { ChunkEvents = 2 }, sink =>
        {
            sink.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8), new byte[8]);
            sink.Append(new TraceEvent(EventKind.Store, 0, 0x1008, 8), new byte[8]);
            foreach (var e in bad) sink.Append(e, e.Kind.MustCarryData() ? new byte[e.Size] : default);
        });
        return path;
    }

    /// <summary>An event only the engine refuses: a return with no open firmware call.</summary>
    static readonly TraceEvent StrayReturn = new(EventKind.FirmwareReturn, 0, 0, EventKinds.RegisterBytes);

    public static IEnumerable<object[]> CheckErrors =>
    [
        [new TraceEvent(EventKind.Store, 0, 0x9000, 8), "outside every region"],
        [new TraceEvent(EventKind.Load, 0, 0x3000, 4), "touches mmio region regs"],
        [new TraceEvent(EventKind.MmioWrite, 0, 0x1000, 4), "is not inside an mmio region"],
        [new TraceEvent(EventKind.Fetch, 1, 0x1000, 8), "is not inside a table that agent 1 fetches"],
        [new TraceEvent(EventKind.Fetch, 1, 0x2048, 8, Aux: 91), "fetch 0x2048 of ste names granule 91, which is not the granule"],
        [new TraceEvent(EventKind.Fetch, 1, 0x2048, 8, Aux: 2), "names granule 2, which is not the granule"],
        [new TraceEvent(EventKind.DevInvalidate, 0, 0x2008, 0x40, Aux: 1), "does not name a table entry"],
        [new TraceEvent(EventKind.DevInvalidate, 0, 0x1000, 0x40, Aux: 1), "does not name a table entry"],
    ];

    [TestMethod]
    [DynamicData(nameof(CheckErrors))]
    public void Replay_EventTheCheckRefuses_SameLineAsInfo(TraceEvent bad, string problem)
    {
        using var s = new Scratch();
        string trace = Trace(s, new TraceEvent(EventKind.Store, 0, 0x1010, 8), bad);
        ReplayLineIsInfos(trace, problem);
    }

    [TestMethod]
    [DynamicData(nameof(CheckErrors))]
    public void Replay_EngineRefusesAnEarlierEventOfTheChunk_CheckLineWins(TraceEvent bad, string problem)
    {
        using var s = new Scratch();
        // Event #2 is refused only by the engine; the check refuses #3.
        string trace = Trace(s, StrayReturn, bad);
        ReplayLineIsInfos(trace, problem);
    }

    /// <summary>replay, with one thread and with two, prints info's line for the trace's event #3, naming <paramref name="problem"/>.</summary>
    static void ReplayLineIsInfos(string trace, string problem)
    {
        var info = RepoPaths.Run("info", trace);

        foreach (var threads in new[] { "1", "2" })
        {
            var (exit, _, err) = RepoPaths.Run("replay", trace, "--quiet", "--threads", threads);

            HardeningAsserts.OneLineError(exit, err, trace + ": chunk 1, event #3: ");
            Assert.Contains(problem, err);
            Assert.AreEqual(info.Err, err, $"--threads {threads}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(CheckErrors))]
    public void Export_EventTheCheckRefuses_SameLineAsReplay(TraceEvent bad, string problem)
    {
        using var s = new Scratch();
        string trace = Trace(s, new TraceEvent(EventKind.Store, 0, 0x1010, 8), bad);
        ExportLineIsReplays(s, trace, problem);
    }

    [TestMethod]
    public void Export_OnlyTheEngineRefuses_SameLineAsReplay()
    {
        using var s = new Scratch();
        string trace = Trace(s, new TraceEvent(EventKind.Store, 0, 0x1010, 8), StrayReturn);
        ExportLineIsReplays(s, trace, "ret on cpu0 with no open smc/hvc call");
    }

    /// <summary>export prints replay's line for the trace's event #3, naming file and chunk, and writes nothing.</summary>
    static void ExportLineIsReplays(Scratch s, string trace, string problem)
    {
        var replay = RepoPaths.Run("replay", trace, "--quiet");
        string json = s.Path("out.json");

        var (exit, _, err) = RepoPaths.Run("export", trace, "--format", "perfetto", "-o", json, "--quiet");

        HardeningAsserts.OneLineError(exit, err, trace + ": chunk 1, event #3: ");
        Assert.Contains(problem, err);
        Assert.AreEqual(replay.Err, err);
        Assert.IsFalse(File.Exists(json), "a refused export wrote its output");
        Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp-*"));
    }

    [TestMethod]
    [DataRow("1")]
    [DataRow("2")]
    public void Replay_OnlyTheEngineRefuses_EngineLine(string threads)
    {
        using var s = new Scratch();
        string trace = Trace(s, new TraceEvent(EventKind.Store, 0, 0x1010, 8), StrayReturn);
        Assert.AreEqual(0, RepoPaths.Run("info", trace).Exit, "the check accepts the trace");

        var (exit, _, err) = RepoPaths.Run("replay", trace, "--quiet", "--threads", threads);

        HardeningAsserts.OneLineError(exit, err, trace + ": chunk 1, event #3: ret on cpu0 with no open smc/hvc call");
    }
}
