namespace TraceTools.Tests.Hardening;

/// <summary>The user's OOM: one DMA line with size=2^64-1 is one error line, exit 2, nothing written, at once.</summary>
[TestClass]
public sealed class ImportDmaRangeTests
{
    const string Layout = """
        scenario "big"
        arch arm64
        cpu cpu0
        device nic noncoherent
        ram dram 0x0 size 0x10000000000
        """;

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void Import_DmaSizePastTheAddressSpace_OneErrorLineExit2()
    {
        using var s = new Scratch();
        string input = s.Write("huge.txt", "  kworker/0:1-42 [000] ..... 100.000100: dma_map_page: nic dir=TO_DEVICE dma_addr=80000000 size=18446744073709551615 phys_addr=80000000 attrs=\n");
        var (exit, stdout, err) = EndToEnd.RepoPaths.Run("import", "ftrace", input, "--layout", s.Write("big.scn", Layout), "-o", s.Path("huge.trace"));

        Assert.AreEqual(2, exit, err);
        Assert.AreEqual("", stdout);
        Assert.AreEqual($"{input}:1:97: cache_clean at 0x80000000 of size 18446744073709551615 runs past the end of the 64-bit address space (--skip-malformed counts and skips such lines)",
            err.TrimEnd('\n'));
        CollectionAssert.AreEquivalent(new[] { "huge.txt", "big.scn" }, Directory.GetFiles(s.Dir).Select(Path.GetFileName).ToArray(), "nothing written, no spill left");
    }
}
