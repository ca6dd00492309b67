namespace TraceTools.Tests.Hardening;

/// <summary>
/// A trace holds at most 2^24 chunks (the reader refuses a longer index): gen and import with a small --chunk-events
/// and more events than that wrote the whole trace, exit 0, and every verb then refused it as a bad footer. Both now
/// count the events first and refuse them in one line, nothing written.
/// </summary>
[TestClass]
public sealed class ChunkCapTests
{
    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void Gen_MoreEventsThanChunksHold_OneLineNothingWritten()
    {
        using var s = new Scratch();
        string scn = s.Write("many.scn", "arch arm64\ncpu cpu0\nrepeat 16_777_217 as i {\n  cpu0: barrier dma_wmb\n}\n");
        var (exit, _, err) = EndToEnd.RepoPaths.Run("gen", scn, "-o", s.Path("many.trace"), "--chunk-events", "1");

        HardeningAsserts.OneLineError(exit, err,
            $"{scn}: the scenario's 16,777,217 events need more than the 16,777,216 chunks a trace may have with --chunk-events 1 " +
            "(at most 16,777,216 events): use --chunk-events 2 or more; nothing was written");
        CollectionAssert.AreEquivalent(new[] { "many.scn" }, Directory.GetFiles(s.Dir).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void Import_MoreEventsThanChunksHold_OneLineNothingWritten()
    {
        // One DMA map of 2^24 pages and a byte: 2^24 + 1 cache_clean pieces, from one line.
        using var s = new Scratch();
        string layout = s.Write("big.scn", "arch arm64\ncpu cpu0\ndevice nic noncoherent\nram dram 0x0 size 0x10000000000\n");
        string input = s.Write("map.txt", "  kworker/0:1-42 [000] ..... 100.000100: dma_map_page: nic dir=TO_DEVICE dma_addr=0 size=68719476737 phys_addr=0 attrs=\n");
        var (exit, _, err) = EndToEnd.RepoPaths.Run("import", "ftrace", input, "--layout", layout, "-o", s.Path("map.trace"), "--chunk-events", "1", "--codec", "none");

        HardeningAsserts.OneLineError(exit, err,
            $"{input}: the inputs' 16,777,217 events need more than the 16,777,216 chunks a trace may have with --chunk-events 1 " +
            "(at most 16,777,216 events): use --chunk-events 2 or more; nothing was written");
        CollectionAssert.AreEquivalent(new[] { "big.scn", "map.txt" }, Directory.GetFiles(s.Dir).Select(Path.GetFileName).ToArray(), "nothing written, no spill left");
    }
}
