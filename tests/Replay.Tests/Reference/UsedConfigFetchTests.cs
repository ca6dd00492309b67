using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// model.md §8.1, torn-entry-fetch on a used-bits table whose configuration field lies in a granule the fetch has not
/// read yet: Used(O) takes the unread granules "as memory holds them at this read", so a device write to that field
/// in the middle of the fetch changes which later granules can be torn. The random generator's tables keep the
/// field in the present word, which every reporting fetch reads first; here it is the last qword. Each case is
/// worked out by hand and checked on the literal reference and the engine (a planted engine bug that kept the used
/// mask of the fetch's previous read across a device write passed every other test).
/// </summary>
[TestClass]
public sealed class UsedConfigFetchTests
{
    const ulong Tbl = 0x10_0000;

    /// <summary>
    /// Entries of 32 bytes in 8-byte granules, present bit 0; MODE = bits 193:192 (qword 3), always used; qword 1
    /// used when MODE = 1, qword 2 when MODE = 2.
    /// </summary>
    static UsedBits Modes()
    {
        var mode = new EntryBits(192, 193);
        return new([
            new UsedRule([mode], []),
            new UsedRule([new EntryBits(64, 127)], [new UsedCondition(mode, 3, 1)]),
            new UsedRule([new EntryBits(128, 191)], [new UsedCondition(mode, 3, 2)]),
        ]);
    }

    /// <summary>
    /// MODE 2; the fetch reads qword 0 (present), the cpu writes qwords 1 and 2, the fetch reads qword 1 (unused by
    /// MODE 2: not torn), then the DMA write of <paramref name="newMode"/> into qword 3, then the fetch reads qword 2,
    /// which store #4 changed after the fetch's first read. O at that read is qwords 0 and 1 as read, 2 and 3 as
    /// memory holds them: MODE is the device's. MODE 2 still: qword 2 is used, torn by #4. MODE 1: qword 2 is
    /// unused, not torn. Either way #4 changed a bit the held entry uses (MODE 2 before and after it): live-entry-write
    /// (never invalidated); #3 changed only qword 1, unused by MODE 2: nothing. Two stores, one changing used bits:
    /// no burst.
    /// </summary>
    [TestMethod]
    [DataRow(2UL, "live-entry-write@4[fetch=2] torn-entry-fetch@7[first-granule=2,store=4]")]
    [DataRow(1UL, "live-entry-write@4[fetch=2]")]
    public void DeviceWriteOfUnreadMode_DecidesTheLaterGranule(ulong newMode, string expected)
    {
        var b = new TraceBuilder(Arch.X86_64);
        var cpu = b.Cpu("cpu0");
        var dev = b.Device("dev");
        var t = b.Table("tbl", Tbl, 2, 32, 8, 0, dev, Modes());
        b.Store(cpu, Tbl + 24, 8, 2);                           // #0 MODE 2
        b.Store(cpu, Tbl, 8, 1);                                // #1 present
        b.Fetch(dev, t, 0, 0);                                  // #2 the fetch's first read: present
        b.Store(cpu, Tbl + 8, 8, 0x5555);                       // #3 qword 1
        b.Store(cpu, Tbl + 16, 8, 0x6666);                      // #4 qword 2
        b.Fetch(dev, t, 0, 1);                                  // #5 qword 1: unused by MODE 2, not torn
        b.DmaWrite(dev, Tbl + 24, 8, newMode);                  // #6 the device rewrites MODE (unread by the fetch)
        b.Fetch(dev, t, 0, 2);                                  // #7 qword 2
        FindingLists.AssertEngineAndReference(b, expected);
    }
}
