using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

[TestClass]
public sealed class DmaRaceTests
{
    static TraceBuilder System(Arch arch = Arch.X86_64, string cpus = "cpu0")
    {
        var t = new TraceBuilder(arch).Cpu(cpus.Split(',')).Device("dev").Device("dev2");
        t.Ram("buf", 0x1000, 0x100).Sync("flag", 0x2000, 0x10).Mmio("reg", 0xf000, 0x10, "dev");
        t.Table("ring", 0x10_0000, 4, 16, 16, 0, "dev");
        return t;
    }

    [TestMethod]
    public void DmaRace_BufferReusedWhileDeviceReads_FlaggedAtReuse()
    {
        var t = System();
        t.Store("cpu0", t.At("buf"), 32);
        t.Writel("cpu0", t.At("reg"), 1);
        long r = t.DmaRead("dev", t.At("buf"), 32);
        long reuse = t.Store("cpu0", t.At("buf", 16), 4);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{reuse}[other={r}]");
    }

    [TestMethod]
    public void DmaRace_WaitForCompletionBeforeReuse_None()
    {
        var t = System();
        t.Store("cpu0", t.At("buf"), 32);
        t.Writel("cpu0", t.At("reg"), 1);
        t.DmaRead("dev", t.At("buf"), 32);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        t.Store("cpu0", t.At("buf", 16), 4);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    [DataRow(0, 4, false)]
    [DataRow(4, 4, true)]
    [DataRow(7, 1, true)]
    [DataRow(8, 8, false)]
    [DataRow(1, 10, true)]
    public void DmaRace_DeviceWriteVsCpuLoad_BytePrecise(int offset, int size, bool race)
    {
        var t = System();
        long w = t.DmaWrite("dev", t.At("buf", 4), 4);       // bytes 4..7
        long l = t.Load("cpu0", t.At("buf", (ulong)offset), size);
        var findings = t.Replay();
        if (race) FindingAssert.Exactly(findings, $"dma-race@{l}[other={w}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    public void DmaRace_ReadReadAndDeviceDevice_NotRaces()
    {
        var t = System();
        t.Load("cpu0", t.At("buf"), 8);
        t.DmaRead("dev", t.At("buf"), 8);                     // read-read
        t.DmaWrite("dev", t.At("buf", 32), 8);
        t.DmaWrite("dev2", t.At("buf", 32), 8);               // device-device
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    public void DmaRace_SyncBytes_NeverRace()
    {
        var t = System();
        t.Store("cpu0", t.At("flag"), 4, 1);
        t.DmaWrite("dev", t.At("flag"), 4, 2);
        t.Load("cpu0", t.At("flag"), 4);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    public void DmaRace_FetchOfPayload_NotARace()
    {
        var t = System();
        t.Store("cpu0", t.Entry("ring", 1) + 8, 8, 0x55);
        t.Fetch("dev", "ring", 1, 0);
        t.Store("cpu0", t.Entry("ring", 1) + 8, 8, 0x66);
        FindingAssert.None(t.Replay(new HashSet<FindingKind> { FindingKind.DmaRace }));
    }

    [TestMethod]
    public void DmaRace_TablePayloadByDmaWrite_Flagged()
    {
        var t = System();
        long s = t.Store("cpu0", t.Entry("ring", 2) + 8, 8, 0x55);
        long w = t.DmaWrite("dev", t.Entry("ring", 2), 16);   // writes the present word too: only payload races
        FindingAssert.Exactly(t.Replay(new HashSet<FindingKind> { FindingKind.DmaRace }), $"dma-race@{w}[other={s}]");
    }

    [TestMethod]
    public void DmaRace_OtherIsMostRecentRacingAccess()
    {
        var t = System();
        t.DmaWrite("dev", t.At("buf"), 4);
        long r = t.DmaRead("dev", t.At("buf"), 4);
        long s = t.Store("cpu0", t.At("buf"), 4);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{s}[other={r}]");
    }

    /// <summary>model.md §7.16: an unordered store that a later, ordered store overwrote still races with the device read.</summary>
    [TestMethod]
    public void DmaRace_UnorderedStoreOverwrittenByOrderedOne_StillRaces()
    {
        var t = System(Arch.X86_64, "cpu0,cpu1");
        long hidden = t.Store("cpu1", t.At("buf"), 16);
        t.Store("cpu0", t.At("buf"), 16);
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{r}[other={hidden}]");
    }

    /// <summary>Read-shared bytes: the device write is ordered after cpu1's load but not after cpu0's earlier one.</summary>
    [TestMethod]
    public void DmaRace_TwoUnorderedLoadsThenOrderedDeviceWrite_RacesWithTheOlderLoad()
    {
        var t = System(Arch.X86_64, "cpu0,cpu1");
        long older = t.Load("cpu0", t.At("buf"), 8);
        t.Load("cpu1", t.At("buf"), 8);
        t.MmioWrite("cpu1", t.At("reg"), 4, 1);
        long w = t.DmaWrite("dev", t.At("buf"), 8);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{w}[other={older}]");
    }

    /// <summary>model.md §7.7: <c>other</c> is the most recent racing access over all the trigger's bytes, not of its first byte.</summary>
    [TestMethod]
    public void DmaRace_TwoStoresOfDifferentBytes_OtherIsTheLaterStore()
    {
        var t = System();
        t.Store("cpu0", t.At("buf"), 8);
        long later = t.Store("cpu0", t.At("buf", 8), 8);
        long r = t.DmaRead("dev", t.At("buf"), 16);
        FindingAssert.Exactly(t.Replay(), $"dma-race@{r}[other={later}]");
    }

    /// <summary>
    /// model.md §7.17: a device with no event between a doorbell and a status read by another cpu carries
    /// nothing from one to the other; one event of the device in between does.
    /// </summary>
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void DmaRace_HandOverThroughDevice_OnlyWhenDeviceRecordsAnEvent(bool idle)
    {
        var t = new TraceBuilder(Arch.X86_64).Cpu("cpu0", "cpu1").Device("dev").Device("dev2");
        t.Ram("buf", 0x1000, 0x100).Sync("flag", 0x2000, 0x10).Mmio("reg", 0xf000, 0x10, "dev").Mmio("reg2", 0xf100, 0x10, "dev2");
        long s = t.Store("cpu0", t.At("buf"), 8);
        t.MmioWrite("cpu0", t.At("reg"), 4, 1);
        if (!idle) t.DmaRead("dev", t.At("buf", 0x80), 8);
        t.MmioRead("cpu1", t.At("reg"), 4);
        t.MmioWrite("cpu1", t.At("reg2"), 4, 1);
        long r = t.DmaRead("dev2", t.At("buf"), 8);
        if (idle) FindingAssert.Exactly(t.Replay(), $"dma-race@{r}[other={s}]");
        else FindingAssert.None(t.Replay());
    }

    [TestMethod]
    public void DmaRace_LockHandoffBetweenCpus_DeviceOrderedThroughBoth()
    {
        var t = System(Arch.Arm64, "cpu0,cpu1");
        t.DmaWrite("dev", t.At("buf"), 16);
        t.RaiseIrq("dev");
        t.TakeIrq("cpu0", "dev");
        t.Unlock("cpu0", "L");
        t.Lock("cpu1", "L");
        t.Store("cpu1", t.At("buf"), 16);
        FindingAssert.None(t.Replay());
    }

    [TestMethod]
    public void DmaRace_LoopOfUnsynchronizedWrites_ExactCount()
    {
        const int n = 3000;
        var t = System();
        for (int i = 0; i < n; i++)
        {
            t.Store("cpu0", t.At("buf", (ulong)(i % 16) * 8), 8);
            t.DmaWrite("dev", t.At("buf", (ulong)(i % 16) * 8 + 4), 4);
        }
        var findings = t.ReplayWith(Replay.Clocks.ClockSimd.V512, 512);
        // Every dma_write races with the store before it (one per trigger); every store after the first lap
        // also races with the device write that last touched its bytes.
        Assert.AreEqual(n + (n - 16), FindingAssert.Count(findings, FindingKind.DmaRace));
    }

    /// <summary>
    /// Two cpus writing one buffer without synchronization, forever: the page's write column escalates once,
    /// every device read names the other cpu's store of its round, and memory stays one shadow page.
    /// </summary>
    [TestMethod]
    public void DmaRace_TwoCpusWriteShared_EscalatesOncePerPageAndNamesEachRound()
    {
        const int n = 2000;
        var t = System(Arch.X86_64, "cpu0,cpu1");
        var expected = new List<string>();
        for (int i = 0; i < n; i++)
        {
            long other = t.Store("cpu1", t.At("buf"), 8);
            t.Store("cpu0", t.At("buf"), 8);
            t.MmioWrite("cpu0", t.At("reg"), 4, 1);
            long r = t.DmaRead("dev", t.At("buf"), 8);
            expected.Add($"dma-race@{r}[other={other}]");
        }
        var engine = DetectorRegistry.CreateEngine(t.Metadata());
        foreach (var b in t.Batches(256)) engine.Process(b);
        var reads = engine.Complete().Where(f => f.Kind == FindingKind.DmaRace).Select(f => f.ToString()).ToHashSet();
        Assert.IsTrue(expected.All(reads.Contains), "a device read does not name its round's unordered store");
        Assert.AreEqual(1, engine.Shadow.PageCount);
    }
}
