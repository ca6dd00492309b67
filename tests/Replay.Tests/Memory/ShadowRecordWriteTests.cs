using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// <see cref="Shadow.RecordWrite"/> picks its one-word path (<see cref="ShadowPage.RecordWord"/>) or the page-by-page
/// loop by the access's size and offset: on random writes of every shape (in one word, across words, across pages,
/// on the last page of the address space) every byte's last cpu store, last device write and table value must be
/// the byte-per-byte model's, whichever path took the write.
/// </summary>
[TestClass]
public sealed class ShadowRecordWriteTests
{
    const int Window = 3 * ShadowPage.Size;

    [TestMethod]
    [DataRow(1, 0x8000_0000UL)]
    [DataRow(2, 0x8000_0000UL)]
    [DataRow(3, 0xFFFF_FFFF_FFFF_D000UL)]
    [DataRow(4, 0xFFFF_FFFF_FFFF_D000UL)]
    public void RecordWrite_RandomShapes_SameBytesAsBytePerByteModel(int seed, ulong window)
    {
        var rng = new Random(seed);
        var shadow = new Shadow(DetectorNeeds.WriteHistory, values: true);
        var cpuAt = new ulong[Window];
        var devAt = new ulong[Window];
        var value = new byte[Window];
        int inWord = 0, across = 0;
        for (uint time = 1; time <= 3000; time++)
        {
            int size = rng.Next(4) switch { 0 => 1 << rng.Next(4), 1 => 1 + rng.Next(8), 2 => 1 + rng.Next(24), _ => 1 + rng.Next(2 * ShadowPage.Size) };
            int offset = rng.Next(3) == 0 ? ShadowPage.Size - rng.Next(1, 9) : rng.Next(Window - size + 1);
            offset = Math.Min(offset, Window - size);
            if ((offset & 7) + size <= 8) inWord++;
            else across++;
            bool cpu = rng.Next(3) != 0;
            int agent = cpu ? rng.Next(2) : 2 + rng.Next(2);
            var data = new byte[size];
            rng.NextBytes(data);
            shadow.RecordWrite(agent, time, cpu, window + (ulong)offset, size, data, RegionKind.Table);
            for (int i = 0; i < size; i++)
            {
                (cpu ? cpuAt : devAt)[offset + i] = Epoch.Pack(agent, time);
                value[offset + i] = data[i];
            }
        }
        for (int k = 0; k < Window; k++)
        {
            ulong a = window + (ulong)k;
            var page = shadow.Pages.Find(a);
            int off = (int)(a & ShadowPage.Mask);
            Assert.AreEqual(cpuAt[k], page.At(AccessColumn.CpuWrite, off), $"byte {a:x}: last cpu store");
            Assert.AreEqual(devAt[k], page.At(AccessColumn.DevWrite, off), $"byte {a:x}: last device write");
            if (cpuAt[k] != 0 || devAt[k] != 0) Assert.AreEqual(value[k], shadow.ValueAt(a), $"byte {a:x}: value");
        }
        Assert.IsGreaterThan(500, inWord, "writes inside one word (the RecordWord path)");
        Assert.IsGreaterThan(500, across, "writes across words or pages (the loop)");
    }

    /// <summary>
    /// A cpu store the one-word path puts straight into a cell (no <see cref="ShadowPage.Record"/> call) still
    /// moves the page's store bounds: a later store of the same cpu and a first store of another, both in one word
    /// of an already written page. (Without it stale-dma-read's page shortcut skipped stores it had not seen.)
    /// </summary>
    [TestMethod]
    public void RecordWrite_OneWordStoresOnAWrittenPage_InTheStoreBounds()
    {
        var shadow = new Shadow(DetectorNeeds.WriteHistory, values: false);
        shadow.RecordWrite(0, 5, cpu: true, 0x8000_0000, 4, new byte[4], RegionKind.Ram);
        shadow.RecordWrite(0, 10, cpu: true, 0x8000_0008, 4, new byte[4], RegionKind.Ram);
        shadow.RecordWrite(1, 11, cpu: true, 0x8000_0010, 4, new byte[4], RegionKind.Ram);
        var stores = shadow.Pages.Find(0x8000_0000).Stores;

        Assert.IsTrue(stores.MayHold(1), "cpu 1 stored to the page");
        Assert.IsFalse(stores.AllAtOrBefore([5, 100], 2), "cpu 0's store at 10 is after a row at 5");
        Assert.IsTrue(stores.AllAtOrBefore([10, 11], 2), "a row at both latest stores holds them all");
    }
}
