using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// Hand-built cases for the data rules of docs/model.md §4 at byte precision (dma-race: "a cpu access and a device
/// access of the same data bytes, at least one a write, neither hb-before the other"; §7.7 and §7.16: every earlier
/// access is paired, <c>other</c> is the most recent racing one), worked out by hand from the text; each must hold for
/// the reference and for the engine.
/// </summary>
[TestClass]
public sealed class DataRuleTests
{
    const ulong Buf = 0x1000;

    /// <summary>
    /// Three cpus store parts of one word, unordered: cpu0 bytes 0..3, cpu1 bytes 4..7, then cpu2 bytes 0..3 again
    /// (not ordered after cpu0's). A device then reads bytes 4..7, which only cpu1 wrote: neither access is
    /// hb-before the other, so it is a dma-race with other = cpu1's store (#18). cpu2's store touches none of those
    /// bytes, so it cannot stand in for cpu1's. (In the engine the word holds two cpus' parts when cpu2's store makes
    /// the cpu-write column keep per-agent accesses: a word of parts must carry both into them.)
    /// </summary>
    [TestMethod]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Arm64)]
    public void DmaRace_ReadOfOneCpusPartOfAWordOfThreeCpus_OtherIsThatCpusStore(Arch arch)
    {
        var b = new TraceBuilder(arch);
        ushort cpu0 = b.Cpu("cpu0"), cpu1 = b.Cpu("cpu1"), cpu2 = b.Cpu("cpu2"), dev = b.Device("dev");
        b.Ram("buf", Buf, 0x100);
        // Seventeen scattered one-byte fields first: more pieces than a column keeps as extents, so the page's
        // cpu writes are kept per word, where the word of two cpus' parts below is one of two forms.
        for (ulong k = 0; k < 17; k++) b.Store(cpu0, Buf + 0x40 + 4 * k, 1, k);
        b.Store(cpu0, Buf, 4, 1);
        b.Store(cpu1, Buf + 4, 4, 2);
        b.Store(cpu2, Buf, 4, 3);
        b.DmaRead(dev, Buf + 4, 4);
        FindingLists.AssertEngineAndReference(b, "dma-race@20[other=18]");
    }

    /// <summary>
    /// A cpu store of 8 bytes starting one byte into a word covers that word's last 7 bytes and the next word's
    /// first byte. A device read of only that first byte, unordered, races with the store (§4: the same data byte,
    /// one a write, neither hb-before the other). The page's cpu writes are kept per word first (seventeen scattered
    /// fields, as above), where a store over two words must be recorded in both. (A planted bug that took such a
    /// store for one inside one word recorded its ninth byte nowhere and passed the differential.)
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    public void DmaRace_ReadOfTheByteAStoreCarriesIntoTheNextWord_RacesWithIt(int into)
    {
        var b = new TraceBuilder(Arch.Arm64);
        ushort cpu0 = b.Cpu("cpu0"), dev = b.Device("dev");
        b.Ram("buf", Buf, 0x1000);
        for (ulong k = 0; k < 17; k++) b.Store(cpu0, Buf + 0x40 + 4 * k, 1, k);
        ulong word = Buf + 0x200;
        int store = b.Store(cpu0, word + (ulong)into, 8, 0x1122334455667788);
        int read = b.DmaRead(dev, word + 8, 1);
        FindingLists.AssertEngineAndReference(b, $"dma-race@{read}[other={store}]");
    }
}
