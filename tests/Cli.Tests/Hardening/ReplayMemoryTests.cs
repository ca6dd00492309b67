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
}
