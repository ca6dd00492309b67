using TraceTools.Replay.Clocks;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>
/// A sync store's replacement of the handles its bytes held, one release per run of equal handles, against
/// the byte-by-byte form: on random stores over a page of handles (runs of one store, of several, none),
/// the same handles, reference counts, live slots and reuse order of freed slots.
/// </summary>
[TestClass]
public sealed class ReleaseColumnTests
{
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void ReleaseColumn_RandomStores_SameAsByteByByte(int seed)
    {
        var rng = new Random(seed);
        var (runs, bytes) = (new ClockArena(2, rows: 1), new ClockArena(2, rows: 1));
        int[] runColumn = new int[ShadowPage.Size], byteColumn = new int[ShadowPage.Size];
        for (int op = 0; op < 20_000; op++)
        {
            int length = (new[] { 1, 2, 4, 4, 8, 8, 16, 64, 300 })[rng.Next(9)];
            int offset = rng.Next(0, 256 - Math.Min(length, 256)) + (length > 256 ? 0 : rng.Next(2) * 1024);
            int r = runs.Rent(), b = bytes.Rent();
            Assert.AreEqual(b, r, $"op {op}: the freed slots come back in the same order");
            runs.AddRef(r, length - 1);
            bytes.AddRef(b, length - 1);
            ReleaseColumn.Replace(runColumn.AsSpan(offset, length), r, runs);
            ReleaseColumn.ReplaceByteByByte(byteColumn.AsSpan(offset, length), b, bytes);
            CollectionAssert.AreEqual(byteColumn, runColumn, $"op {op}: handles");
            Assert.AreEqual(bytes.Live, runs.Live, $"op {op}: live releases");
        }
        foreach (int h in byteColumn.Distinct().Where(h => h != 0))
            Assert.AreEqual(bytes.RefCount(h), runs.RefCount(h), $"references of {h}");
        Assert.AreEqual(byteColumn.Distinct().Count(h => h != 0), runs.Live, "one live release per handle still held");
    }
}
