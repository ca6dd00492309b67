using TraceTools.Importers;
using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>DMA ranges of any size: checked whole against the layout, and their 4 KiB pieces streamed, never all queued.</summary>
[TestClass]
public sealed class DmaRangeTests
{
    const string BigLayout = """
        scenario "big"
        arch arm64
        cpu cpu0
        device nic noncoherent
        ram dram 0x0 size 0x10000000000
        """;

    static string Map(ulong size, ulong phys = 0x80000000) =>
        Trace("kworker/0:1", 42, 0, ".....", 100, "dma_map_page", DmaMap("nic", "TO_DEVICE", phys, size, phys));

    [TestMethod]
    public void Import_SizePastTheAddressSpace_OneErrorAtTheSizeField()
    {
        // The user's line: size=2^64-1 used to be split into 2^52 pieces, all queued in memory, until OOM-killed.
        string line = Map(ulong.MaxValue);
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("ftrace", BigLayout, [("trace", line)]));
        StringAssert.Contains(e.Message, "cache_clean at 0x80000000 of size 18446744073709551615 runs past the end of the 64-bit address space");
        Assert.AreEqual((1L, line.IndexOf("size=", StringComparison.Ordinal) + 6), (e.Line, e.Column), e.Message);
        CollectionAssert.AreEqual(Array.Empty<string>(), h.Leftovers("trace"), "nothing written");
    }

    [TestMethod]
    public void Import_SizePastItsRegion_OneErrorBeforeAnyPiece()
    {
        // 0x20000 bytes from the ring's start, which holds 0x10000: refused as a whole (the first 16 pieces fit).
        string line = Map(0x20000);
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("ftrace", NicLayout, [("trace", line)]));
        StringAssert.Contains(e.Message, "cache_clean at 0x80000000 (size 131072) straddles the end of region 'ring' (0x80000000..0x80010000)");
        Assert.AreEqual(line.IndexOf("size=", StringComparison.Ordinal) + 6, e.Column, e.Message);
    }

    [TestMethod]
    public void Import_SizePastItsRegionWithSkipUnmapped_TheWholeLineSkippedOnce()
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", Map(0x20000) + Map(64))], skipUnmapped: true);
        Assert.AreEqual((EventKind.CacheClean, 0x80000000ul, 64), (events.Single().Kind, events.Single().Address, events.Single().Size),
            "none of the refused range's pieces");
        Assert.AreEqual(1, h.Summary.Skipped["straddles a region's end"]);
    }

    [TestMethod]
    public void Import_Size4097_SplitsIntoAPageAndOneByte()
    {
        // recording.md: "in pieces of at most 4096 bytes", cut from the range's start.
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", Map(4097, 0x80000010))]);
        CollectionAssert.AreEqual(new[] { (0x80000010ul, 4096), (0x80001010ul, 1) }, events.Select(e => (e.Address, e.Size)).ToArray());
    }

    [TestMethod]
    public void Import_DmaRangeOfAGibibyte_ItsPiecesWaitInBatchesNotAllAtOnce()
    {
        // 2^18 pieces from one line. Queued at once they are 10 MB here and all of memory for a terabyte;
        // produced in batches as the merge takes them, the queue stays small whatever the size.
        const ulong size = 1ul << 30;
        using var h = new ImportHarness();
        var layout = ImportLayout.Load(h.File("layout.scn", BigLayout));
        var options = new ImportOptions { Format = "ftrace", Layout = "layout.scn", Inputs = ["trace"], Output = "out.trace" };
        var sink = new ImportSink(new ImportRun(layout, options), "trace", 0);
        byte[] text = System.Text.Encoding.UTF8.GetBytes(Map(size, 0x1000) + Map(64, 0x10));
        using var input = new InputCursor(new LineReader(new MemoryStream(text), "trace"), ImportFormats.Create("ftrace")!.Open(sink), sink);
        int peak = 0;
        long pieces = 0;
        ulong next = 0x1000;
        while (input.Fill())
        {
            peak = Math.Max(peak, sink.Count);
            var e = sink.Head.Event;
            if (next < 0x1000 + size)
            {
                Assert.AreEqual((next, 4096), (e.Address, e.Size), $"piece {pieces}");
                next += 4096;
                pieces++;
            }
            else Assert.AreEqual((0x10ul, 64), (e.Address, e.Size), "the next line after the last piece");
            sink.Pop();
        }
        Assert.AreEqual((long)(size / 4096), pieces);
        Assert.IsLessThanOrEqualTo(1024, peak, "events waiting at once");
    }
}
