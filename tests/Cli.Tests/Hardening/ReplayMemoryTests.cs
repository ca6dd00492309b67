using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// Issue 12, hardening 2: replay memory depends on what is touched, never on where a region lies or how
/// large a table is. Run in a child process under a GC heap hard limit: over it, the run dies.
/// </summary>
[TestClass]
public sealed class ReplayMemoryTests
{
    const long HeapCap = 256L << 20;

    public static IEnumerable<object[]> Scenarios =>
    [
        ["store on the last page of the address space", """
            scenario "top"
            arch arm64
            cpu cpu0
            device d
            ram buf 0xffff_ffff_ffff_f000 size 0xfff
            cpu0: store buf + 0xff0 size 8 = 1
            d: dma_read buf + 0xff0 size 8
            cpu0: store buf + 0xff0 size 8 = 1
            """],
        ["table of 2^60 entries ending near 2^64", """
            scenario "tbl"
            arch arm64
            cpu cpu0
            device smmu
            table ctx 0x0 entries 0x0fff_ffff_ffff_ffff entry_size 16 granule 8 present bit 64 fetcher smmu
            cpu0: store ctx[0x0fff_ffff_ffff_fffe] size 16 = 1
            smmu: fetch ctx[0x0fff_ffff_ffff_fffe] granule 0
            cpu0: store ctx[0x0fff_ffff_ffff_fffe] size 16 = 1
            """],
    ];

    [TestMethod]
    [DynamicData(nameof(Scenarios))]
    public void Replay_AccessNearTopOfAddressSpace_StaysUnderHeapCap(string what, string scenario)
    {
        using var s = new Scratch();
        string scn = s.Write("top.scn", scenario);
        var (genExit, _, genErr) = RepoPaths.Run("gen", scn, "-o", s.Path("top.trace"));
        Assert.AreEqual(0, genExit, genErr);
        Assert.IsLessThan(400L, new FileInfo(s.Path("top.trace")).Length, "the repro trace is a few hundred bytes");

        var (exit, _, err) = ChildTool.Run(["replay", s.Path("top.trace"), "--quiet"], heapLimitBytes: HeapCap, timeout: TimeSpan.FromSeconds(60));

        Assert.IsTrue(exit is 0 or 1, $"{what}: exit {exit}: {err}");
        HardeningAsserts.CleanMessages(err);
    }

    [TestMethod]
    public void Replay_ReplicasOverTheHeapCap_OneOutOfMemoryLine_OneThreadFits()
    {
        // 4,000 declared cpus: each replica's clocks are agents × agents (11 matrices of 64 MB with every detector), so
        // three replicas pass a 1 GB heap where one fits. Running out is no internal error to report but one line.
        using var s = new Scratch();
        var scn = new System.Text.StringBuilder("scenario \"agents\"\narch arm64\n");
        for (int i = 0; i < 4000; i++) scn.Append("cpu c").Append(i).Append('\n');
        scn.Append("device d\nram buf 0x1000 size 0x1000\nc0: store buf size 8 = 1\nd: dma_read buf size 8\n");
        string trace = s.Path("agents.trace");
        var (genExit, _, genErr) = RepoPaths.Run("gen", s.Write("agents.scn", scn.ToString()), "-o", trace);
        Assert.AreEqual(0, genExit, genErr);

        var (exit, _, err) = ChildTool.Run(["replay", trace, "--quiet", "--threads", "3"], heapLimitBytes: 1L << 30, timeout: TimeSpan.FromSeconds(60));
        HardeningAsserts.OneLineError(exit, err, "tracetools replay: out of memory: ");
        Assert.Contains("--threads 1 needs least", err);

        var one = ChildTool.Run(["replay", trace, "--quiet", "--threads", "1"], heapLimitBytes: 1L << 30, timeout: TimeSpan.FromSeconds(60));
        Assert.AreEqual(1, one.Exit, one.Err);
    }
}
