using TraceTools.TraceFormat;

namespace TraceTools.Tests;

[TestClass]
public sealed class StreamingTests
{
    sealed class CountingSink : IEventSink
    {
        public long Count;
        public long Bytes;
        public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
        {
            Count++;
            Bytes += data.Length;
        }
    }

    [TestMethod]
    public void Generate_MillionEvents_AllocatesNothingPerEvent()
    {
        var s = Gen.Compile("""
            arch arm64
            cpu cpu0
            device nic
            ram  buf  0x8000_0000 size 0x10000
            sync flag 0x9000_0000 size 0x1000
            mmio regs 0xfe00_0000 size 0x100 device nic
            table ctx 0xa000_0000 entries 256 entry_size 32 granule 16 present bit 0 fetcher nic
            repeat 1 << 17 as i {
              cpu0: store buf + (i & 0xff) * 64 size 64 @ "fill"
              cpu0: writel regs = i & 0xffff
              nic:  dma_read buf + (i & 0xff) * 64 size 64
              nic:  dma_write flag + (i & 0x3ff) * 4 size 4 = 1
              cpu0: load flag + (i & 0x3ff) * 4 size 4
              nic:  fetch ctx[i & 0xff] granule 1
              cpu0: dev_invalidate nic ctx[i & 0xff]
            }
            """);
        var sink = new CountingSink();
        s.Generate(sink); // warm up: JIT, first-touch pages
        sink.Count = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        s.Generate(sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(8L << 17, sink.Count);
        Assert.AreEqual(s.CountEvents(), sink.Count);
        // One generator, its 4 KiB data buffer and the touched pages: far below one byte per event.
        Assert.IsLessThan(200_000L, allocated, $"{allocated} bytes for {sink.Count} events");
    }

    /// <summary>
    /// The memory image keeps what was written, not the pages around it: a byte stored to each of 16,384 pages
    /// allocated a 4 KiB page each (64 MiB; 10^5 of them took 428 MB in <c>gen</c>, as in <c>import qemu</c> and
    /// <c>import steps</c>), now a 256-byte block each.
    /// </summary>
    [TestMethod]
    public void Generate_OneByteOnEachOfManyPages_AllocatesABlockAPageNotThePage()
    {
        const int pages = 1 << 14;
        var s = Gen.Compile($$"""
            arch arm64
            cpu cpu0
            ram big 0x1_0000_0000 size 0x1_0000_0000
            repeat {{pages}} as i {
              cpu0: store big + i * 4096 size 1 = 1
            }
            """);
        var sink = new CountingSink();
        long before = GC.GetAllocatedBytesForCurrentThread();
        s.Generate(sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(pages, sink.Count);
        Assert.IsLessThan(pages * 1024L, allocated, $"{allocated} bytes for {pages} one-byte stores on distinct pages");
    }
}
