using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>
/// A page's per-byte columns (<see cref="PageColumn{T}"/>: release handles, table values): only the bytes written are
/// held, in a window that grows to the whole page, and every read answers what a whole-page array would.
/// </summary>
[TestClass]
public sealed class ShadowPageTests
{
    [TestMethod]
    public void Releases_WriteOnOnePage_OtherPagesStayZero()
    {
        var written = new ShadowPage();
        var untouched = new ShadowPage();
        written.Releases.Cover(17, 1)[0] = 5;
        Assert.AreEqual(5, written.Releases.At(17));
        Assert.AreEqual(0, untouched.Releases.At(17));
        Assert.AreEqual(0, ShadowPage.Untouched.Releases.At(17));
        Assert.AreEqual(0L, untouched.Footprint);
        Assert.AreEqual(4L * 8, written.Footprint, "one word of handles");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(4)]
    public void PageColumn_RandomWrites_ReadsAsAWholePageArray(int seed)
    {
        var rng = new Random(seed);
        var column = new PageColumn<int>();
        var model = new int[ShadowPage.Size];
        var scratch = new int[ShadowPage.Size];
        // Seeds 1 and 2 write a few words far apart (windows of one word to the whole page), 3 and 4 anywhere.
        int[] spots = [.. Enumerable.Range(0, 6).Select(_ => rng.Next(ShadowPage.Size / 8) * 8)];
        for (int op = 0; op < 3000; op++)
        {
            int length = (new[] { 1, 2, 4, 8, 8, 16, 40, 300 })[rng.Next(seed <= 2 ? 5 : 8)];
            int offset = seed <= 2 ? spots[rng.Next(op < 50 ? 2 : spots.Length)] + rng.Next(8) : rng.Next(ShadowPage.Size);
            length = Math.Min(length, ShadowPage.Size - offset);
            var span = column.Cover(offset, length);
            Assert.AreEqual(length, span.Length);
            for (int k = 0; k < length; k++) span[k] = model[offset + k] = op + 1;

            int at = rng.Next(ShadowPage.Size), n = rng.Next(1, Math.Min(600, ShadowPage.Size - at) + 1);
            Assert.AreEqual(model[at], column.At(at), $"op {op}: byte {at}");
            CollectionAssert.AreEqual(model.AsSpan(at, n).ToArray(), column.Read(at, n, scratch).ToArray(), $"op {op}: read of {n} at {at}");
            var inside = column.Overlap(at, n, out int skipped);
            Assert.IsTrue(model.AsSpan(at, skipped).IndexOfAnyExcept(0) < 0, $"op {op}: the bytes before the window hold nothing");
            CollectionAssert.AreEqual(model.AsSpan(at + skipped, inside.Length).ToArray(), inside.ToArray(), $"op {op}: overlap at {at}");
            Assert.IsTrue(model.AsSpan(at + skipped + inside.Length, n - skipped - inside.Length).IndexOfAnyExcept(0) < 0, $"op {op}: nor after it");
        }
    }

    [TestMethod]
    public void PageColumn_ValuesOfOneEntry_HoldThatEntry()
    {
        var page = new ShadowPage();
        page.Values.Cover(2048, 8).Fill(0xa5);
        Assert.AreEqual(8, page.Values.Held);
        page.Values.Cover(2056, 8).Fill(0x5a);
        Assert.AreEqual(16, page.Values.Held, "the next entry doubles the window");
        page.Values.Cover(0, 8).Fill(1);
        Assert.AreEqual(ShadowPage.Size, page.Values.Held, "bytes more than 64 apart take the page");
        Assert.AreEqual((byte)0xa5, page.Values.At(2048 + 7));
        Assert.AreEqual((byte)0x5a, page.Values.At(2056));
        Assert.AreEqual((byte)0, page.Values.At(2064));
    }
}
