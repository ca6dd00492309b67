using TraceTools.Cli.Replaying;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// <c>replay</c> runs the CLI's event check only when the engine refused the input: an internal error (a bug, not
/// bad input) leaves as itself, not as a bad-input message about some other event of the chunk.
/// </summary>
[TestClass]
public sealed class ReplayInternalErrorTests
{
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Run_DetectorFailsInAChunkTheCheckRefuses_InternalErrorNotHidden(bool decodeThread)
    {
        using var s = new Scratch();
        string path = s.Path("bad-second-event.trace");
        var m = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu)],
            Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
        };
        TraceFile.Write(path, m, new TraceWriterOptions(), sink =>
        {
            sink.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8), new byte[8]);
            sink.Append(new TraceEvent(EventKind.Store, 0, 0x9000, 8), new byte[8]); // outside every region: the check refuses it
        });
        using var reader = TraceReader.Open(path);
        using var engine = new ReplayEngine(reader.Metadata, new ReplayOptions(), [new FailingDetector()]);

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => TraceReplay.Run(reader, engine, decodeThread, progress: null));
        Assert.AreEqual(FailingDetector.Message, error.Message);
    }

    /// <summary>Fails on the first store, as a detector bug would.</summary>
    sealed class FailingDetector : IDetector
    {
        public const string Message = "detector bug";
        public FindingKind Kind => FindingKind.DmaRace;
        public DetectorHooks Hooks => DetectorHooks.Store;
        public DetectorNeeds Needs => DetectorNeeds.None;
        public void OnAccess(DetectorView view, in DataAccess access) => throw new InvalidOperationException(Message);
    }
}
