using TraceTools.TraceFormat;

using static TraceTools.Tests.Reference.FindingLists;

namespace TraceTools.Tests.Reference;

/// <summary>
/// Table entries that straddle a page of the replay's shadow memory (4 KiB): an entry size that is not a power of
/// two puts some entry across a page boundary (80-byte entries: entry 51 holds bytes 0xff0..0x103f of the table).
/// The engine reads such an entry's bytes a page at a time, and the part of a store on the second page must count
/// in the granules it really changes (model.md §7.6: granules are independent; a store changes granule g only if it
/// changes bytes of g). The random traces never cross a page (two entries at most 2,560 bytes from the table's
/// start), so these cases are written by hand; expectations from model.md, engine and literal reference both held to
/// them.
/// </summary>
[TestClass]
public sealed class EntryAcrossPagesTests
{
    const ulong Tbl = 0x10_0000;

    /// <summary>Entry 51 of an 80-byte, 16-byte-granule table at a page-aligned base: bytes 0..15 on one page, 16..79 on the next.</summary>
    const ulong Entry = Tbl + 51 * 80;

    /// <summary>
    /// The fetcher reads granule 0 (present), a cpu store of 16 bytes over entry bytes 8..23 (granules 0 and 1, across
    /// the page boundary at byte 16) changes the live entry, the fetcher reads granule 1: torn-entry-fetch at that read
    /// (§4: a granule a cpu store changed after the fetch's first read; store = that store), and, with no invalidation
    /// before the trace ends, live-entry-write at the store (§8, fetch = the read that saw present). When the store's
    /// bytes on the second page rewrite what memory holds there (<paramref name="secondPageChanges"/> false), granule 1
    /// did not change: no tear, the live-entry-write remains.
    /// </summary>
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void StoreAcrossThePage_ChangesTheGranuleOnTheSecondPage(bool secondPageChanges)
    {
        var b = new TraceBuilder(Arch.X86_64);
        var cpu = b.Cpu("cpu0");
        var dev = b.Device("iommu");
        var table = b.Table("tbl", Tbl, 64, 80, 16, 0, dev);
        b.Store(cpu, Entry, 8, 1);                                           // present
        int first = b.Fetch(dev, table, 51, 0);                              // sees present
        int store = b.StoreBytes(cpu, Entry + 8, [.. TraceBuilder.Le(0x2222, 8), .. TraceBuilder.Le(secondPageChanges ? 0x3333ul : 0, 8)]);
        int torn = b.Fetch(dev, table, 51, 1);
        AssertEngineAndReference(b, secondPageChanges
            ? $"live-entry-write@{store}[fetch={first}] torn-entry-fetch@{torn}[first-granule={first},store={store}]"
            : $"live-entry-write@{store}[fetch={first}]");
    }
}
