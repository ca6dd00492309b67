using TraceTools.Detectors.DmaRace;
using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.DmaRace;

/// <summary>
/// dma-race's shortcut for short table accesses (<see cref="DataRuns.InEntry"/>) against the run walk it
/// skips (<see cref="DataRuns.Next"/>): every offset of the first entries, every short size.
/// </summary>
[TestClass]
public sealed class DataRunsTests
{
    const ulong Base = 0x20000;

    static RegionInfo Table(uint entrySize, uint presentBit, ulong entries = 64) => new()
    {
        Name = "ring",
        Kind = RegionKind.Table,
        Base = Base,
        Size = entries * entrySize,
        Entries = entries,
        EntrySize = entrySize,
        Granule = Math.Min(entrySize, 8u),
        PresentBit = presentBit,
        Device = 0,
    };

    static List<(ulong From, ulong To)> Walk(RegionInfo region, ulong address, int size)
    {
        var runs = new List<(ulong, ulong)>();
        ulong cursor = address, end = address + (ulong)size;
        while (DataRuns.Next(region, ref cursor, end, out ulong page, out int off, out int stop))
            runs.Add((page * AccessRun.PageSize + (ulong)off, page * AccessRun.PageSize + (ulong)stop));
        return runs;
    }

    [TestMethod]
    [DataRow(16u, 0u)]
    [DataRow(16u, 64u)]
    [DataRow(32u, 200u)]
    [DataRow(64u, 511u)]
    [DataRow(8u, 3u)]
    [DataRow(4u, 1u)]
    [DataRow(2u, 9u)]
    public void InEntry_ShortAccesses_SameBytesAsTheRunWalk(uint entrySize, uint presentBit)
    {
        var region = Table(entrySize, presentBit);
        int payload = 0, presentWord = 0;
        for (ulong at = 0; at < 4 * entrySize + 16 && at < region.Size; at++)
            foreach (int size in new[] { 1, 2, 3, 4, 8, 12, 16 })
            {
                if (at + (ulong)size > region.Size) continue;
                ulong address = Base + at;
                var runs = Walk(region, address, size);
                switch (DataRuns.InEntry(region, address, size))
                {
                    case EntryBytes.Payload:
                        payload++;
                        Assert.HasCount(1, runs, $"+{at} {size}: payload is one run");
                        Assert.AreEqual((address, address + (ulong)size), runs[0], $"+{at} {size}");
                        break;
                    case EntryBytes.PresentWord:
                        presentWord++;
                        Assert.IsEmpty(runs, $"+{at} {size}: no data byte in the present word");
                        break;
                    default:
                        // Inside one entry, Mixed means part present word, part payload.
                        if ((at % entrySize) + (ulong)size <= entrySize)
                            Assert.IsTrue(runs.Count > 0 && runs.Sum(r => (long)(r.To - r.From)) < size, $"+{at} {size}: mixed");
                        break;
                }
            }
        Assert.IsGreaterThan(0, presentWord, "some accesses were present words");
        if (entrySize > 8) Assert.IsGreaterThan(0, payload, "some accesses were payload");
    }

    [TestMethod]
    public void InEntry_EntrySizeNotAPowerOfTwo_WalksTheRuns()
    {
        var region = Table(24, 0);
        Assert.AreEqual(EntryBytes.Mixed, DataRuns.InEntry(region, Base + 8, 8));
    }
}
