using TraceTools.TraceFormat;

namespace TraceTools.Tests;

[TestClass]
public sealed class OpTests
{
    static EventBatch Run(string steps) => Gen.Events(Gen.Header + steps);

    static void AssertEvent(EventBatch b, int i, EventKind kind, int agent, ulong address, int size, uint aux = 0, int site = -1)
    {
        Assert.AreEqual(kind, b.Kinds[i], $"kind of #{i}");
        Assert.AreEqual(agent, (int)b.Agents[i], $"agent of #{i}");
        Assert.AreEqual(address, b.Addresses[i], $"address of #{i}");
        Assert.AreEqual(size, b.Sizes[i], $"size of #{i}");
        Assert.AreEqual(aux, b.Aux[i], $"aux of #{i}");
        Assert.AreEqual(site, b.Sites[i], $"site of #{i}");
    }

    [TestMethod]
    public void Store_WithValue_CarriesLittleEndianZeroExtendedBytes()
    {
        var b = Run("cpu0: store buf + 8 size 12 = 0x0102\n");
        Assert.AreEqual(1, b.Count);
        AssertEvent(b, 0, EventKind.Store, 0, 0x1008, 12);
        CollectionAssert.AreEqual(new byte[] { 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, b.GetData(0).ToArray());
    }

    [TestMethod]
    public void Store_WithBytes_CarriesBytesInMemoryOrder()
    {
        var b = Run("cpu0: store buf size 4 bytes \"01020304\"\ncpu0: load buf size 4\n");
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3, 4 }, b.GetData(0).ToArray());
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3, 4 }, b.GetData(1).ToArray());
    }

    [TestMethod]
    public void Store_WithoutValue_ChangesEveryByteDeterministically()
    {
        const string steps = "cpu0: store buf size 64\ncpu0: store buf size 64\ncpu0: store buf + 32 size 64\n";
        var b = Run(steps);
        var first = b.GetData(0).ToArray();
        var second = b.GetData(1).ToArray();
        CollectionAssert.DoesNotContain(first, (byte)0, "every byte differs from the zero-initialized memory");
        for (int i = 0; i < 64; i++) Assert.AreNotEqual(first[i], second[i], $"byte {i} of the second store");
        for (int i = 0; i < 32; i++) Assert.AreNotEqual(second[32 + i], b.GetData(2)[i], $"byte {i} of the third store");
        var again = Run(steps);
        CollectionAssert.AreEqual(second, again.GetData(1).ToArray(), "the pattern is deterministic");
    }

    [TestMethod]
    public void Load_RecordsMemoryAsOfTheStep()
    {
        var b = Run("cpu0: load buf size 4\ncpu0: store buf + 2 size 2 = 0xbeef\ncpu0: load buf size 4\n");
        AssertEvent(b, 0, EventKind.Load, 0, 0x1000, 4);
        CollectionAssert.AreEqual(new byte[4], b.GetData(0).ToArray());
        CollectionAssert.AreEqual(new byte[] { 0, 0, 0xef, 0xbe }, b.GetData(2).ToArray());
    }

    [TestMethod]
    [DataRow("barrier", (ushort)0)]
    [DataRow("dma_wmb", (ushort)6)]
    [DataRow("smp_mb", (ushort)7)]
    [DataRow("dmb.oshst", (ushort)0x14)]
    [DataRow("dsb.sy", (ushort)0x26)]
    public void Barrier_Kind_RecordsCodeInAux(string kind, ushort code)
    {
        var b = Run($"cpu0: barrier {kind} @ \"s\"\n");
        AssertEvent(b, 0, EventKind.Barrier, 0, 0, 0, code, 0);
    }

    [TestMethod]
    public void MmioWrite_CarriesBytesAndLeavesMemoryAlone()
    {
        var b = Run("cpu0: mmio_write regs + 4 size 4 = 0xdeadbeef\ncpu0: mmio_read regs + 4 size 4\n");
        AssertEvent(b, 0, EventKind.MmioWrite, 0, 0x3004, 4);
        Assert.AreEqual(0xdeadbeefUL, Gen.Value(b, 0));
        AssertEvent(b, 1, EventKind.MmioRead, 0, 0x3004, 4);
        Assert.IsFalse(b.HasData(1), "mmio_read carries no bytes");
    }

    [TestMethod]
    [DataRow("writel", 4)]
    [DataRow("writeq", 8)]
    public void Writel_IsDmaWmbThenMmioWrite(string op, int size)
    {
        var b = Run($"cpu0: {op} regs + 8 = 0x11 @ \"db\"\n");
        Assert.AreEqual(2, b.Count);
        AssertEvent(b, 0, EventKind.Barrier, 0, 0, 0, BarrierCode.Linux("dma_wmb").Value, 0);
        AssertEvent(b, 1, EventKind.MmioWrite, 0, 0x3008, size, 0, 0);
        Assert.AreEqual(0x11UL, Gen.Value(b, 1));
    }

    [TestMethod]
    [DataRow("readl", 4)]
    [DataRow("readq", 8)]
    public void Readl_IsMmioReadThenDmaRmb(string op, int size)
    {
        var b = Run($"cpu0: {op} regs\n");
        Assert.AreEqual(2, b.Count);
        AssertEvent(b, 0, EventKind.MmioRead, 0, 0x3000, size);
        AssertEvent(b, 1, EventKind.Barrier, 0, 0, 0, BarrierCode.Linux("dma_rmb").Value);
    }

    [TestMethod]
    [DataRow("cache_clean", EventKind.CacheClean)]
    [DataRow("cache_inval", EventKind.CacheInval)]
    [DataRow("cache_flush", EventKind.CacheFlush)]
    public void CacheOp_RecordsAddressAndSize(string op, EventKind kind)
    {
        var b = Run($"cpu0: {op} buf + 0x40 size 0x40\n");
        AssertEvent(b, 0, kind, 0, 0x1040, 0x40);
        Assert.IsFalse(b.HasData(0));
    }

    [TestMethod]
    public void DevInvalidate_EntryAndAll_EncodeEntryOrZero()
    {
        var b = Run("cpu0: dev_invalidate dev tab[2]\ncpu0: dev_invalidate dev all\n");
        AssertEvent(b, 0, EventKind.DevInvalidate, 0, 0x4040, 32, 1);
        AssertEvent(b, 1, EventKind.DevInvalidate, 0, 0, 0, 1);
    }

    [TestMethod]
    public void LockUnlock_IdsInFirstUseOrder()
    {
        var s = Gen.Compile(Gen.Header + "cpu0: lock b\ncpu0: lock a\ncpu0: unlock b\ncpu0: unlock a\n");
        CollectionAssert.AreEqual(new[] { "b", "a" }, s.Metadata.Locks.ToArray());
        var b = Gen.Events(s);
        AssertEvent(b, 0, EventKind.Lock, 0, 0, 0, 0);
        AssertEvent(b, 1, EventKind.Lock, 0, 0, 0, 1);
        AssertEvent(b, 2, EventKind.Unlock, 0, 0, 0, 0);
        AssertEvent(b, 3, EventKind.Unlock, 0, 0, 0, 1);
    }

    [TestMethod]
    public void TakeIrqRaiseIrq_EncodeDevice()
    {
        var b = Run("dev: raise_irq\ncpu0: take_irq dev\n");
        AssertEvent(b, 0, EventKind.RaiseIrq, 1, 0, 0);
        AssertEvent(b, 1, EventKind.TakeIrq, 0, 0, 0, 1);
    }

    [TestMethod]
    public void DmaWriteDmaRead_UpdateAndObserveMemory()
    {
        var b = Run("dev: dma_write buf + 4 size 2 = 0x0201\ndev: dma_read buf size 8\ncpu0: load buf + 4 size 1\n");
        AssertEvent(b, 0, EventKind.DmaWrite, 1, 0x1004, 2);
        AssertEvent(b, 1, EventKind.DmaRead, 1, 0x1000, 8);
        CollectionAssert.AreEqual(new byte[] { 0, 0, 0, 0, 1, 2, 0, 0 }, b.GetData(1).ToArray());
        Assert.AreEqual(1UL, Gen.Value(b, 2));
    }

    [TestMethod]
    public void DmaWrite_WithoutValue_WritesPattern()
    {
        var b = Run("dev: dma_write flag size 4\ncpu0: load flag size 4\n");
        CollectionAssert.AreEqual(b.GetData(0).ToArray(), b.GetData(1).ToArray());
        CollectionAssert.DoesNotContain(b.GetData(0).ToArray(), (byte)0);
    }

    /// <summary>Contract v1.1: a write without a VALUE keeps the present bit it covers, and still changes every byte.</summary>
    [TestMethod]
    [DataRow("store tab[1] size 32", 0x1UL)]          // present set before: stays set
    [DataRow("store tab[1] size 32", 0x0UL)]          // clear before: stays clear
    [DataRow("store tab[1] size 32", 0xFEUL)]         // only the present bit would have changed
    [DataRow("store tab[0] + 8 size 64", 0x1UL)]      // across entries 0..2: entries 1 and 2's present bits
    public void Store_WithoutValueOverPresentBit_KeepsPresentBitChangesEveryByte(string op, ulong before)
    {
        var b = Run($"cpu0: store tab[1] size 8 = 0x{before:x}\ncpu0: store tab[2] size 8 = 0x{before:x}\ncpu0: {op}\n");
        var data = b.GetData(2).ToArray();
        ulong at = b.Addresses[2];
        for (ulong k = 1; k <= 2; k++)
        {
            long off = (long)(0x4000 + 32 * k - at);
            if (off < 0 || off >= data.Length) continue;
            Assert.AreEqual((byte)(before & 1), (byte)(data[off] & 1), $"present bit of entry {k}");
            Assert.AreNotEqual((byte)before, data[off], $"present byte of entry {k} still changes");
        }
    }

    [TestMethod]
    public void Fetch_RecordsGranuleAddressSizeNumberAndBytes()
    {
        var b = Run("cpu0: store tab[1] + 16 size 8 = 0x77\ndev: fetch tab[1] granule 1 @ \"f\"\n");
        AssertEvent(b, 1, EventKind.Fetch, 1, 0x4030, 16, 1, 0);
        Assert.AreEqual(0x77UL, Gen.Value(b, 1));
    }

    [TestMethod]
    public void Sites_InternedInFirstAppearanceOrder()
    {
        var s = Gen.Compile(Gen.Header + "cpu0: barrier mb @ \"x\"\nrepeat 0 as i {\ncpu0: barrier mb @ \"y\"\n}\ncpu0: barrier mb @ \"x\"\ncpu0: barrier mb\n");
        CollectionAssert.AreEqual(new[] { "x", "y" }, s.Metadata.Sites.ToArray());
        var b = Gen.Events(s);
        CollectionAssert.AreEqual(new[] { 0, 0, -1 }, b.Sites.AsSpan(0, b.Count).ToArray());
    }

    [TestMethod]
    public void Declarations_BuildMetadata()
    {
        var s = Gen.Compile("scenario \"a \\\"q\\\" b\"\n" + Gen.Header.Replace("cpu cpu0", "cpu cpu0, cpu1", StringComparison.Ordinal));
        var m = s.Metadata;
        Assert.AreEqual("a \"q\" b", m.Name);
        Assert.AreEqual(Arch.Arm64, m.Arch);
        CollectionAssert.AreEqual(new[] { "cpu0", "cpu1", "dev" }, m.Agents.Select(a => a.Name).ToArray());
        Assert.IsFalse(m.Agents[2].Coherent);
        Assert.AreEqual(AgentKind.Device, m.Agents[2].Kind);
        Assert.AreEqual(new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }, m.Regions[0]);
        Assert.AreEqual(new RegionInfo { Name = "flag", Kind = RegionKind.Sync, Base = 0x2000, Size = 0x10 }, m.Regions[1]);
        var tab = m.Regions[3];
        Assert.AreEqual(RegionKind.Table, tab.Kind);
        Assert.AreEqual(128UL, tab.Size);
        Assert.AreEqual(4UL, tab.Entries);
        Assert.AreEqual(32U, tab.EntrySize);
        Assert.AreEqual(16U, tab.Granule);
        Assert.AreEqual(2, tab.Device);
        Assert.AreEqual(2, m.Regions[2].Device);
        Assert.AreEqual(RegionKind.Mmio, m.Regions[2].Kind);
        Assert.AreEqual(0, s.CountEvents());
    }

    [TestMethod]
    public void Expect_Forms_AreKeptWithPositions()
    {
        var s = Gen.Compile(Gen.Header + "expect stale-dma-read\nexpect dma-race count 2\n  expect no torn-entry-update\nexpect none\n");
        var e = s.Expectations;
        Assert.AreEqual(4, e.Count);
        Assert.AreEqual(new Scenarios.Expectation(Scenarios.ExpectationKind.AtLeastOne, "stale-dma-read", 1, 8, 1), e[0]);
        Assert.AreEqual(new Scenarios.Expectation(Scenarios.ExpectationKind.Exactly, "dma-race", 2, 9, 1), e[1]);
        Assert.AreEqual(new Scenarios.Expectation(Scenarios.ExpectationKind.NoneOf, "torn-entry-update", 0, 10, 3), e[2]);
        Assert.AreEqual(new Scenarios.Expectation(Scenarios.ExpectationKind.NoneAtAll, null, 0, 11, 1), e[3]);
    }

    [TestMethod]
    public void LargeRegion_AllocatesLazily()
    {
        var b = Gen.Events("arch sc\ncpu c\nram big 0 size 1 << 40\nc: store big + (1 << 39) size 8 = 5\nc: load big + (1 << 39) + 4094 size 4\nc: load big + (1 << 39) size 8\n");
        Assert.AreEqual(5UL, Gen.Value(b, 2));
        CollectionAssert.AreEqual(new byte[4], b.GetData(1).ToArray());
    }

    [TestMethod]
    public void Access_CrossingPageBoundary_RoundTrips()
    {
        var b = Gen.Events("arch sc\ncpu c\nram m 0 size 0x3000\nc: store m + 0xff0 size 0x20\nc: load m + 0xff0 size 0x20\n");
        CollectionAssert.AreEqual(b.GetData(0).ToArray(), b.GetData(1).ToArray());
    }
}
