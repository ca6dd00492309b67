using TraceTools.Importers;
using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

[TestClass]
public sealed class FtraceImportTests
{
    const ulong Regs = 0xffff800010000000;

    static string TxPath(Func<string, int, int, string, ulong, string, string, string> line) =>
        line("kworker/0:1", 42, 0, ".....", 100_000_100, "dma_map_phys", DmaMap("nic", "TO_DEVICE", 0x80000000, 64, 0x80000000)) +
        line("kworker/0:1", 42, 0, ".....", 100_000_200, "rwmmio_write", RwmmioWrite("nic_xmit+0x3c/0x120 [nic]", "nic_ring_doorbell+0x14/0x40 [nic]", 32, 5, Regs + 0x10)) +
        line("kworker/0:1", 42, 0, ".....", 100_000_210, "rwmmio_post_write", RwmmioWrite("nic_xmit+0x3c/0x120 [nic]", "nic_ring_doorbell+0x14/0x40 [nic]", 32, 5, Regs + 0x10)) +
        line("<idle>", 0, 1, "d.h1.", 100_000_300, "irq_handler_entry", IrqEntry(25, "nic")) +
        line("<idle>", 0, 1, "d.h1.", 100_000_310, "rwmmio_read", RwmmioRead("nic_irq+0x10/0x80 [nic]", "nic_read_status+0x8/0x20 [nic]", 32, Regs + 0x20)) +
        line("<idle>", 0, 1, "d.h1.", 100_000_320, "rwmmio_post_read", RwmmioWrite("nic_irq+0x10/0x80 [nic]", "nic_read_status+0x8/0x20 [nic]", 32, 1, Regs + 0x20)) +
        line("<idle>", 0, 1, "d.s2.", 100_000_400, "dma_unmap_phys", DmaUnmap("nic", "FROM_DEVICE", 0x80001000, 128)) +
        line("<idle>", 0, 1, "d.s2.", 100_000_450, "dma_sync_single_for_cpu", DmaSync("nic", "FROM_DEVICE", 0x80002000, 8192)) +
        line("<idle>", 0, 1, "d.s2.", 100_000_460, "sched_switch", "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/1:0 next_pid=17 next_prio=120");

    static void AssertTxPath(List<ImportedEvent> events)
    {
        var expected = new (EventKind Kind, string Agent, ulong Address, int Size, string? Site)[]
        {
            (EventKind.CacheClean, "cpu0", 0x80000000, 64, null),
            (EventKind.Barrier, "cpu0", 0, 0, "nic_ring_doorbell+0x14/0x40 [nic]"),
            (EventKind.MmioWrite, "cpu0", Regs + 0x10, 4, "nic_ring_doorbell+0x14/0x40 [nic]"),
            (EventKind.TakeIrq, "cpu1", 0, 0, null),
            (EventKind.MmioRead, "cpu1", Regs + 0x20, 4, "nic_read_status+0x8/0x20 [nic]"),
            (EventKind.Barrier, "cpu1", 0, 0, "nic_read_status+0x8/0x20 [nic]"),
            (EventKind.CacheInval, "cpu1", 0x80001000, 128, null),
            (EventKind.CacheInval, "cpu1", 0x80002000, 4096, null),
            (EventKind.CacheInval, "cpu1", 0x80003000, 4096, null),
        };
        CollectionAssert.AreEqual(expected, events.Select(e => (e.Kind, e.Agent, e.Address, e.Size, e.Site)).ToArray(),
            string.Join("\n", events));
        Assert.AreEqual(5ul, events[2].Value);
        Assert.AreEqual(BarrierCode.Linux("dma_wmb").Value, events[1].Aux);
        Assert.AreEqual(BarrierCode.Linux("dma_rmb").Value, events[5].Aux);
        Assert.AreEqual(0u, events[3].Aux, "take_irq names the nic (agent 2)? aux is the device id");
    }

    [TestMethod]
    [DataRow(600, 600)]    // past the old cut of 512 bytes: whole
    [DataRow(4_096, 4_096)] // the format's string limit: whole
    [DataRow(5_000, 4_096)] // longer: cut at the limit
    public void Import_LongCallerSymbol_KeptUpToTheFormatsStringLimit(int length, int kept)
    {
        string symbol = new('f', length);
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", TraceHeader + Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("a", symbol, 32, 1, Regs)))]);
        Assert.AreEqual(symbol[..kept], events.Last().Site);
    }

    [TestMethod]
    public void Import_LongCallerSymbolCutInsideACharacter_CutBeforeIt()
    {
        // 1 + 2 x 2,500 bytes: the 4,096th byte starts a 2-byte 'é', which the limit would split.
        string symbol = "x" + new string('é', 2_500);
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", TraceHeader + Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("a", symbol, 32, 1, Regs)))]);
        Assert.AreEqual(symbol[..2_048], events.Last().Site);
    }

    [TestMethod]
    public void Import_CallerSymbolOfInvalidUtf8_ItsReplacementCharactersCutAtTheLimit()
    {
        // 2,000 bytes 0xFF: within the limit as bytes, but each decodes to U+FFFD, 3 bytes in the trace (6,000 in all).
        using var h = new ImportHarness();
        string text = TraceHeader + Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("a", "SYMBOL", 32, 1, Regs));
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        int at = text.IndexOf("SYMBOL", StringComparison.Ordinal); // ASCII before it: the char index is the byte index
        string input = Path.Combine(h.Dir, "trace");
        File.WriteAllBytes(input, [.. utf8.AsSpan(0, at), .. Enumerable.Repeat((byte)0xFF, 2_000), .. utf8.AsSpan(at + "SYMBOL".Length)]);
        var options = new ImportOptions { Format = "ftrace", Layout = h.File("layout.scn", NicLayout), Inputs = [input], Output = Path.Combine(h.Dir, "out.trace") };
        TraceImport.Run(options);
        Assert.AreEqual(new string('\uFFFD', 4_096 / 3), h.Read(options.Output).Last().Site);
    }

    [TestMethod]
    public void Import_TracefsTraceFile_MmioDmaAndIrqEvents()
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", TraceHeader + TxPath(Trace))]);
        Assert.AreEqual(2u, events.First(e => e.Kind == EventKind.TakeIrq).Aux);
        AssertTxPath(events.Select(e => e.Kind == EventKind.TakeIrq ? e with { Aux = 0 } : e).ToList());
        Assert.AreEqual(12, h.Summary.Skipped["header comment"]);
        Assert.AreEqual(1, h.Summary.Skipped["other event sched_switch"]);
        Assert.AreEqual(1, h.Summary.Skipped["rwmmio_post_write (the write comes from rwmmio_write)"]);
        Assert.AreEqual(21, h.Summary.Lines, "12 header lines and 9 events");
    }

    [TestMethod]
    public void Import_TraceCmdReport_SameEventsAsTraceFile()
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("report.txt", "cpus=2\n" + TxPath(TraceCmd))]);
        AssertTxPath(events.Select(e => e.Kind == EventKind.TakeIrq ? e with { Aux = 0 } : e).ToList());
        Assert.AreEqual(1, h.Summary.Skipped["trace-cmd header"]);
    }

    [TestMethod]
    public void Import_RelaxedMmio_NoImpliedBarriers()
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", TxPath(Trace))], relaxedMmio: true);
        Assert.AreEqual(0, events.Count(e => e.Kind == EventKind.Barrier));
        Assert.AreEqual(7, events.Count);
    }

    [TestMethod]
    public void Import_DmaOnCoherentDevice_NoCacheMaintenance()
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout.Replace("device nic noncoherent", "device nic"), [("trace", TxPath(Trace))]);
        Assert.AreEqual(0, events.Count(e => e.Kind is EventKind.CacheClean or EventKind.CacheInval));
        Assert.AreEqual(3, h.Summary.Skipped.Where(kv => kv.Key.StartsWith("dma event needing no cache maintenance", StringComparison.Ordinal)).Sum(kv => kv.Value));
    }

    [TestMethod]
    public void Import_UnmapAfterMap_TranslatesDmaAddressToPhysical()
    {
        // With an IOMMU the dma address is an IOVA: unmap prints only it, the map printed both.
        using var h = new ImportHarness();
        string text = Trace("kworker/0:1", 42, 0, ".....", 1, "dma_map_phys", DmaMap("nic", "FROM_DEVICE", 0xfff00000, 256, 0x80004000))
            + Trace("kworker/0:1", 42, 0, ".....", 2, "dma_unmap_phys", DmaUnmap("nic", "FROM_DEVICE", 0xfff00000, 256))
            + Trace("kworker/0:1", 42, 0, ".....", 3, "dma_map_phys", DmaMap("nic", "TO_DEVICE", 0xfff00000, 64, 0x80000000, "SKIP_CPU_SYNC"));
        var events = h.Run("ftrace", NicLayout, [("trace", text)]);
        CollectionAssert.AreEqual(new[] { (EventKind.CacheClean, 0x80004000ul, 256), (EventKind.CacheInval, 0x80004000ul, 256) },
            events.Select(e => (e.Kind, e.Address, e.Size)).ToArray());
    }

    [TestMethod]
    public void Import_ScatterGather_OneCacheOpPerSegment()
    {
        using var h = new ImportHarness();
        // "%s dir=%s nents=%d/%d ents=%d/%d%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s" with __print_array
        string text = Trace("kworker/0:1", 42, 0, ".....", 1, "dma_map_sg",
                "nic dir=TO_DEVICE nents=2/2 ents=2/2 dma_addrs={0x80000000,0x80002000} sizes={0x40,0x80} phys_addrs={0x80000000,0x80002000} attrs=")
            + Trace("kworker/0:1", 42, 0, ".....", 2, "dma_unmap_sg", "nic dir=BIDIRECTIONAL phys_addrs={0x80000000,0x80002000} attrs=");
        var events = h.Run("ftrace", NicLayout, [("trace", text)]);
        CollectionAssert.AreEqual(new[]
        {
            (EventKind.CacheClean, 0x80000000ul, 0x40), (EventKind.CacheClean, 0x80002000ul, 0x80),
            (EventKind.CacheInval, 0x80000000ul, 0x40), (EventKind.CacheInval, 0x80002000ul, 0x80),
        }, events.Select(e => (e.Kind, e.Address, e.Size)).ToArray());
    }

    [TestMethod]
    public void Import_PciDeviceName_MapsToSanitizedLayoutName()
    {
        using var h = new ImportHarness();
        string layout = NicLayout.Replace("device nic noncoherent", "device _0000_01_00.0 noncoherent\ndevice other noncoherent")
            .Replace("device nic", "device _0000_01_00.0");
        var events = h.Run("ftrace", layout, [("trace", Trace("kworker/0:1", 42, 0, ".....", 1, "dma_map_phys", DmaMap("0000:01:00.0", "TO_DEVICE", 0x80000000, 64, 0x80000000)))]);
        Assert.AreEqual(EventKind.CacheClean, events.Single().Kind);
    }

    [TestMethod]
    public void Import_SyncAfterUnmap_TheUnmappedDmaAddressIsNoLongerTranslated()
    {
        // The unmap ends the mapping: a later sync of the same dma address has no traced map (identity).
        using var h = new ImportHarness();
        string text = Trace("kworker/0:1", 42, 0, ".....", 1, "dma_map_phys", DmaMap("nic", "FROM_DEVICE", 0x80008000, 64, 0x80004000))
            + Trace("kworker/0:1", 42, 0, ".....", 2, "dma_unmap_phys", DmaUnmap("nic", "FROM_DEVICE", 0x80008000, 64))
            + Trace("kworker/0:1", 42, 0, ".....", 3, "dma_sync_single_for_cpu", DmaSync("nic", "FROM_DEVICE", 0x80008000, 64));
        var events = h.Run("ftrace", NicLayout, [("trace", text)]);
        CollectionAssert.AreEqual(new[] { (EventKind.CacheClean, 0x80004000ul, 64), (EventKind.CacheInval, 0x80004000ul, 64), (EventKind.CacheInval, 0x80008000ul, 64) },
            events.Select(e => (e.Kind, e.Address, e.Size)).ToArray());
    }

    [TestMethod]
    public void Import_UnmapAndSyncForCpuOfToDevice_NoInvalidateCounted()
    {
        // TO_DEVICE towards the cpu: the device only read the buffer, nothing to invalidate.
        using var h = new ImportHarness();
        string text = Trace("kworker/0:1", 42, 0, ".....", 1, "dma_map_phys", DmaMap("nic", "TO_DEVICE", 0x80000000, 64, 0x80000000))
            + Trace("kworker/0:1", 42, 0, ".....", 2, "dma_sync_single_for_cpu", DmaSync("nic", "TO_DEVICE", 0x80000000, 64))
            + Trace("kworker/0:1", 42, 0, ".....", 3, "dma_unmap_phys", DmaUnmap("nic", "TO_DEVICE", 0x80000000, 64));
        var events = h.Run("ftrace", NicLayout, [("trace", text)]);
        CollectionAssert.AreEqual(new[] { (EventKind.CacheClean, 0x80000000ul, 64) }, events.Select(e => (e.Kind, e.Address, e.Size)).ToArray());
        Assert.AreEqual(2, h.Summary.Skipped["dma event needing no cache maintenance (coherent device, SKIP_CPU_SYNC, or TO_DEVICE towards the cpu)"]);
    }

    [TestMethod]
    public void Import_ScatterGatherBehindAnIommu_CleansThePhysicalSegments()
    {
        // With an IOMMU dma_addrs are IOVAs (outside the layout): the map cleans phys_addrs, the unmap finds them again.
        using var h = new ImportHarness();
        string text = Trace("kworker/0:1", 42, 0, ".....", 1, "dma_map_sg",
                "nic dir=BIDIRECTIONAL nents=2/2 ents=2/2 dma_addrs={0xfff00000,0xfff02000} sizes={0x40,0x80} phys_addrs={0x80000000,0x80004000} attrs=")
            + Trace("kworker/0:1", 42, 0, ".....", 2, "dma_unmap_sg", "nic dir=BIDIRECTIONAL phys_addrs={0x80000000,0x80004000} attrs=");
        var events = h.Run("ftrace", NicLayout, [("trace", text)]);
        CollectionAssert.AreEqual(new[]
        {
            (EventKind.CacheClean, 0x80000000ul, 0x40), (EventKind.CacheClean, 0x80004000ul, 0x80),
            (EventKind.CacheInval, 0x80000000ul, 0x40), (EventKind.CacheInval, 0x80004000ul, 0x80),
        }, events.Select(e => (e.Kind, e.Address, e.Size)).ToArray());
    }

    [TestMethod]
    public void Import_IrqNamedLikeACpu_TakenByTheOnlyDevice()
    {
        // A device name is looked up among devices only: "cpu1" (also its own sanitized name) is not the cpu agent.
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", Trace("<idle>", 0, 0, "d.h1.", 1, "irq_handler_entry", IrqEntry(25, "cpu1")))]);
        Assert.AreEqual((EventKind.TakeIrq, "cpu0", 2u), (events.Single().Kind, events.Single().Agent, events.Single().Aux), "aux 2 is nic (cpu0, cpu1, nic)");
    }

    [TestMethod]
    public void Import_CpuOfFiveDigits_ReadAsThatCpu()
    {
        // "[%03d]" grows with the cpu number: cpu 99999 is a cpu number (unmapped here), not a malformed line.
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<TraceTools.Importers.ImportException>(() => h.Run("ftrace", NicLayout,
            [("trace", Trace("t", 1, 99999, ".....", 1, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, Regs)))]));
        StringAssert.Contains(e.Message, "cpu 99999 is not in the layout");
    }

    [TestMethod]
    public void Import_ValueWiderThanTheWidth_ErrorColumnAtTheValue()
    {
        string line = Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("a", "b", 16, 0x10000, Regs));
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<TraceTools.Importers.ImportException>(() => h.Run("ftrace", NicLayout, [("trace", line)]));
        StringAssert.Contains(e.Message, "value 0x10000 does not fit in 2 bytes");
        Assert.AreEqual((1L, line.IndexOf("val=", StringComparison.Ordinal) + 5), (e.Line, e.Column), e.Message);
    }

    [TestMethod]
    public void Import_SpillLongerThanItsBuffer_EveryEventReadBackIntact()
    {
        // 30000 writel: barrier (24-byte record) + mmio_write (24 + 4 bytes) each, 1.5 MiB of spill, so records
        // straddle the end of the spill's 1 MiB read buffer at every alignment the pair allows.
        using var h = new ImportHarness();
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 30000; i++) text.Append(Trace("t", 1, 0, ".....", (ulong)i + 1, "rwmmio_write", RwmmioWrite("a", "b", 32, (ulong)i, Regs + 4 * (ulong)(i % 1024))));
        var events = h.Run("ftrace", NicLayout, [("trace", text.ToString())]);
        Assert.AreEqual(60000, events.Count);
        for (int i = 0; i < 30000; i++)
        {
            var (barrier, write) = (events[2 * i], events[2 * i + 1]);
            Assert.AreEqual(EventKind.Barrier, barrier.Kind, $"event {2 * i}");
            Assert.AreEqual((EventKind.MmioWrite, Regs + 4 * (ulong)(i % 1024), 4, (ulong)i), (write.Kind, write.Address, write.Size, write.Value), $"event {2 * i + 1}");
        }
    }

    [TestMethod]
    public void Import_HigherCpuBeforeCpu0_EachLineOnItsOwnCpu()
    {
        // The first line may come from any cpu: cpu1's write, then cpu0's.
        using var h = new ImportHarness();
        string text = Trace("t", 1, 1, ".....", 1, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, Regs))
            + Trace("t", 1, 0, ".....", 2, "rwmmio_write", RwmmioWrite("a", "b", 32, 2, Regs));
        var events = h.Run("ftrace", NicLayout, [("trace", text)], relaxedMmio: true);
        CollectionAssert.AreEqual(new[] { ("cpu1", 1ul), ("cpu0", 2ul) }, events.Select(e => (e.Agent, e.Value)).ToArray());
    }
}
