using TraceTools.Replay.Clocks;
using TraceTools.Replay.Detection;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Memory;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// Adversarial checks of the page windows (PageWindow.Grow, PageColumn, the cells' window of ShadowPage, release
/// handles' references): offsets biased to the page's and the window's edges (0, 1, 7, 8, 4088, 4095, next to the
/// last access), walks up and down, straddles, whole-page rewrites, all against dense 4096-entry models.
/// </summary>
[TestClass]
public sealed class WindowEdgeTests
{
    static readonly int[] Edges = [0, 1, 7, 8, 9, 15, 16, 56, 63, 64, 65, 2040, 2048, 4032, 4080, 4087, 4088, 4089, 4094, 4095];

    /// <summary>An offset near an edge of the page or near the last access (walks up and down, straddles).</summary>
    static (int Offset, int Length) EdgeSpan(Random rng, ref int last)
    {
        int offset = rng.Next(6) switch
        {
            0 => Edges[rng.Next(Edges.Length)],
            1 => rng.Next(ShadowPage.Size),
            2 => last + 8 * rng.Next(1, 3) + rng.Next(-1, 2),
            3 => last - 8 * rng.Next(1, 3) + rng.Next(-1, 2),
            4 => last + (rng.Next(2) == 0 ? 64 : -64) + rng.Next(-8, 9),
            _ => last + rng.Next(-3, 4),
        };
        offset = Math.Clamp(offset, 0, ShadowPage.Size - 1);
        int length = rng.Next(8) switch
        {
            0 => 1,
            1 => 2,
            2 => 4,
            3 => 8,
            4 => (new[] { 3, 7, 9, 15, 16, 17, 63, 64, 65, 72 })[rng.Next(10)],
            5 => rng.Next(1, 200),
            6 => ShadowPage.Size - offset,
            _ => rng.Next(1, ShadowPage.Size - offset + 1),
        };
        length = Math.Clamp(length, 1, ShadowPage.Size - offset);
        last = offset;
        return (offset, length);
    }

    /// <summary>
    /// Mostly within a few words of <paramref name="anchor"/> (so the window stays short of the page and grows by
    /// doubling, down and up, across its edges), sometimes one word hammered byte by byte (splits, widening, spills),
    /// rarely anywhere or the whole page.
    /// </summary>
    static (int Offset, int Length) LocalSpan(Random rng, int anchor, bool local = false)
    {
        int r = local ? rng.Next(6, 100) : rng.Next(100);
        int offset, length;
        if (r < 3) return (0, ShadowPage.Size);
        if (r < 6) (offset, length) = (rng.Next(ShadowPage.Size), rng.Next(1, 17));
        else if (r < 30) (offset, length) = ((anchor & ~7) + rng.Next(8), 1);
        else
        {
            offset = anchor + rng.Next(-40, 48);
            length = (new[] { 1, 1, 2, 3, 4, 4, 8, 8, 8, 9, 15, 16, 17, 24 })[rng.Next(14)];
            // Aligned, as most stores, half the time.
            if (rng.Next(2) == 0 && (length & (length - 1)) == 0 && length <= 8) offset &= ~(length - 1);
        }
        offset = Math.Clamp(offset, 0, ShadowPage.Size - 1);
        return (offset, Math.Min(length, ShadowPage.Size - offset));
    }

    [TestMethod]
    public void PageWindow_Grow_HoldsOldAndNewAlignedDoublingOrThePage()
    {
        // Every window and range of a 64-unit page (and 512 with most 8), unit 1 and 8 (the byte columns' words).
        foreach (var (page, most, unit) in new[] { (64, 8, 1), (512, 8, 1), (4096, 64, 8) })
        {
            int units = page / unit;
            var rng = new Random(page);
            long checks = 0;
            for (int lo = 0; lo < units; lo++)
            for (int span = 0; span <= most / unit && lo + span <= units; span++)
            {
                if (span == 0 && lo != 0) continue;
                int trials = page == 64 ? units * units : 400;
                for (int t = 0; t < trials; t++)
                {
                    int from, to;
                    if (page == 64) { from = t / units; to = from + 1 + t % units; if (to > units) continue; }
                    else { from = rng.Next(units); to = Math.Min(units, from + 1 + (rng.Next(3) == 0 ? rng.Next(units) : rng.Next(10))); }
                    if (span != 0 && from >= lo && to <= lo + span) continue; // no growth asked
                    var (nl, nh) = PageWindow.Grow(lo * unit, span * unit, from * unit, to * unit, page, most);
                    string at = $"page {page}: window [{lo * unit}, +{span * unit}) range [{from * unit}, {to * unit}) -> [{nl}, {nh})";
                    Assert.IsTrue(nl >= 0 && nh <= page && nl < nh, at);
                    Assert.IsTrue(nl <= from * unit && nh >= to * unit, at + ": holds the range");
                    if (span != 0) Assert.IsTrue(nl <= lo * unit && nh >= (lo + span) * unit, at + ": holds the old window");
                    Assert.IsTrue(nl % unit == 0 && nh % unit == 0, at + ": aligned");
                    Assert.IsTrue(nh - nl <= most || (nl, nh) == (0, page), at + ": at most `most` or the page");
                    if (span != 0) Assert.IsTrue(nh - nl >= Math.Min(page, 2 * span * unit), at + ": at least doubles");
                    checks++;
                }
            }
            Assert.IsGreaterThan(10_000L, checks);
        }
    }

    [TestMethod]
    [DataRow(21)]
    [DataRow(22)]
    [DataRow(23)]
    [DataRow(24)]
    [DataRow(25)]
    [DataRow(26)]
    public void PageColumn_EdgeWritesAndReads_AsAWholePageArray(int seed)
    {
        var rng = new Random(seed);
        var scratch = new byte[ShadowPage.Size + 16];
        for (int round = 0; round < 40; round++)
        {
            var page = new ShadowPage();
            var model = new byte[ShadowPage.Size];
            int last = Edges[rng.Next(Edges.Length)], anchor = rng.Next(2) == 0 ? last : rng.Next(ShadowPage.Size);
            int ops = rng.Next(1, 40);
            for (int op = 0; op < ops; op++)
            {
                var (offset, length) = rng.Next(5) == 0 ? EdgeSpan(rng, ref last) : LocalSpan(rng, anchor);
                if (rng.Next(5) != 0) length = Math.Min(length, rng.Next(1, 17));
                for (int k = 0; k < length; k++) model[offset + k] = (byte)rng.Next(1, 256);
                ColumnPieces.Write(ref page.Values, offset, model.AsSpan(offset, length));
                int held = page.Values.Held;
                Assert.IsTrue(page.Values.InBlocks ? held % 64 == 0 && held <= PageColumn<byte>.MaxBlocks * 64
                    : held <= PageColumn<byte>.MaxWindow || held == ShadowPage.Size, $"held {held}");
                for (int k = 0; k < ShadowPage.Size; k++)
                    if (page.Values.At(k) != model[k]) Assert.Fail($"seed {seed} round {round} op {op} ({offset}, {length}): byte {k} {page.Values.At(k)} want {model[k]}");
                for (int r = 0; r < 20; r++)
                {
                    var (at, n) = EdgeSpan(rng, ref last);
                    last = offset;
                    CollectionAssert.AreEqual(model.AsSpan(at, n).ToArray(), page.Values.Read(at, n, scratch).ToArray(), $"read ({at}, {n})");
                    ColumnPieces.AssertHeld(page.Values, model, at, n, $"pieces of ({at}, {n})");
                }
            }
        }
    }

    /// <summary>
    /// Publish as the engine does (one snapshot per store, len − 1 references added on its first page, len on the next,
    /// Replace on each page's run) over three pages, stores straddling pages and windows: every live handle's reference
    /// count is the bytes holding it, and no other handle is live.
    /// </summary>
    [TestMethod]
    [DataRow(31)]
    [DataRow(32)]
    [DataRow(33)]
    [DataRow(34)]
    public void Releases_EdgeStoresAcrossPages_ReferencesAreTheBytesHolding(int seed)
    {
        var rng = new Random(seed);
        for (int round = 0; round < 30; round++)
        {
            var arena = new ClockArena(2, rows: 1);
            var pages = new[] { new ShadowPage(), new ShadowPage(), new ShadowPage() };
            var model = new int[3 * ShadowPage.Size];
            int last = ShadowPage.Size + Edges[rng.Next(Edges.Length)], anchor = rng.Next(2) * ShadowPage.Size + (rng.Next(2) == 0 ? Edges[rng.Next(Edges.Length)] : rng.Next(ShadowPage.Size));
            for (int op = 0; op < 300; op++)
            {
                var (o, n) = rng.Next(4) == 0 ? EdgeSpan(rng, ref last) : LocalSpan(rng, anchor % ShadowPage.Size);
                int address = (rng.Next(8) == 0 ? rng.Next(3) : anchor / ShadowPage.Size) * ShadowPage.Size + o;
                // Across the page boundary now and then: the store's first page gets len − 1 references, the next len.
                if (rng.Next(10) == 0) (address, n) = ((anchor / ShadowPage.Size) * ShadowPage.Size + ShadowPage.Size - rng.Next(1, 9), rng.Next(2, 24));
                if (rng.Next(3) == 0) n = rng.Next(1, 24);
                n = Math.Min(n, model.Length - address);
                last = o;
                int release = 0;
                for (int i = 0; i < n;)
                {
                    int a = address + i, p = a / ShadowPage.Size, off = a % ShadowPage.Size, len = Math.Min(n - i, ShadowPage.Size - off);
                    if (release == 0)
                    {
                        release = arena.Rent();
                        arena.AddRef(release, len - 1);
                    }
                    else arena.AddRef(release, len);
                    for (int at = off; at < off + len;)
                    {
                        var piece = pages[p].Releases.Cover(at, off + len - at);
                        ReleaseColumn.Replace(piece, release, arena);
                        at += piece.Length;
                    }
                    model.AsSpan(a, len).Fill(release);
                    i += len;
                }
                if (op % 3 != 0) continue;
                for (int k = 0; k < model.Length; k++)
                    if (pages[k / ShadowPage.Size].Releases.At(k % ShadowPage.Size) != model[k]) Assert.Fail($"round {round} op {op}: handle at {k}");
                var counts = model.Where(h => h != 0).GroupBy(h => h).ToArray();
                foreach (var g in counts) Assert.AreEqual(g.Count(), arena.RefCount(g.Key), $"round {round} op {op}: references of {g.Key}");
                Assert.AreEqual(counts.Length, arena.Live, $"round {round} op {op}: live handles");
            }
        }
    }

    [TestMethod]
    [DataRow(41)]
    [DataRow(42)]
    [DataRow(43)]
    public void ShadowPage_EdgeAccessesAndMarks_MatchBytePerByteModel(int seed)
    {
        var rng = new Random(seed);
        var hb = ShadowPageModelTests.Hb();
        for (int round = 0; round < 25; round++)
        {
            var page = new ShadowPage();
            var twin = new ShadowPage();
            var model = new ShadowPageModelTests.Model();
            int anchor = rng.Next(3) == 0 ? rng.Next(ShadowPage.Size) : Edges[rng.Next(Edges.Length)];
            uint time = (uint)(round * 1000);
            int ops = rng.Next(1, 50);
            bool local = rng.Next(3) != 0;
            for (int op = 0; op < ops; op++)
            {
                hb.Hb[rng.Next(2) * hb.Width + 2 + rng.Next(2)] = (uint)rng.Next(0, (int)time + 1);
                var (offset, length) = LocalSpan(rng, anchor, local);
                time++;
                if (rng.Next(6) == 0)
                {
                    int cpu = rng.Next(2), kind = rng.Next(3);
                    page.Mark(hb, cpu, time, kind != 1, kind != 0, offset, length);
                    twin.Mark(hb, cpu, time, kind != 1, kind != 0, offset, length);
                    model.Mark(hb, cpu, time, kind != 1, kind != 0, offset, length);
                    continue;
                }
                var (column, at) = ShadowPageModelTests.RandomAccess(rng, time);
                page.Record(column, at, offset, length);
                if ((offset & 7) + length <= 8) twin.RecordWord(column, at, offset, length);
                else twin.Record(column, at, offset, length);
                model.Record(column, at, offset, length);
                // One form at a time: a window of at most 8 words, up to 16 blocks (and no window), or the page.
                Assert.IsTrue(page.IsUniform || (page.BlocksHeld == 0
                    ? page.WindowWords <= 8 || page.WindowWords == ShadowPage.Words
                    : page.WindowWords == 0 && page.BlocksHeld <= 16), $"window {page.WindowWords}, blocks {page.BlocksHeld}");
                if (rng.Next(4) == 0)
                {
                    ShadowPageModelTests.Compare(page, model, rng, $"seed {seed} round {round} op {op}");
                }
            }
            ShadowPageModelTests.Compare(page, model, rng, $"seed {seed} round {round}");
            ShadowPageModelTests.CompareShadows(page, twin, $"seed {seed} round {round} (RecordWord)");
        }
    }

    /// <summary>
    /// The shadow's write path (one-word RecordWrite and the page-by-page RecordRuns) over three pages with table
    /// values: writes straddling words, windows and pages (the last bytes of a page, 4088..4095), every byte's value
    /// and last writer against dense arrays.
    /// </summary>
    [TestMethod]
    [DataRow(51)]
    [DataRow(52)]
    [DataRow(53)]
    public void Shadow_EdgeWritesAcrossPages_ValuesAndWritersAsDenseArrays(int seed)
    {
        var rng = new Random(seed);
        const ulong Base = 0x7000_0000;
        const int Bytes = 3 * ShadowPage.Size;
        for (int round = 0; round < 40; round++)
        {
            var shadow = new Shadow(DetectorNeeds.WriteHistory, values: true);
            var values = new byte[Bytes];
            var writers = new ulong[2][] { new ulong[Bytes], new ulong[Bytes] };
            int anchor = rng.Next(3) * ShadowPage.Size + (rng.Next(2) == 0 ? Edges[rng.Next(Edges.Length)] : rng.Next(ShadowPage.Size));
            int ops = rng.Next(1, 60);
            for (int op = 0; op < ops; op++)
            {
                int offset = Math.Clamp(anchor + rng.Next(-40, 48), 0, Bytes - 1);
                int size = (new[] { 1, 2, 4, 8, 8, 3, 9, 16, 24, 64 })[rng.Next(10)];
                if (rng.Next(12) == 0) (offset, size) = (ShadowPage.Size * rng.Next(1, 3) - rng.Next(1, 9), rng.Next(2, 20));
                if (rng.Next(30) == 0) (offset, size) = (rng.Next(Bytes), rng.Next(1, 5000));
                size = Math.Min(size, Bytes - offset);
                var data = new byte[size];
                rng.NextBytes(data);
                bool cpu = rng.Next(2) == 0;
                int agent = cpu ? rng.Next(2) : 2 + rng.Next(2);
                uint time = (uint)(op + 1);
                shadow.RecordWrite(agent, time, cpu, Base + (ulong)offset, size, data, RegionKind.Table);
                data.CopyTo(values.AsSpan(offset));
                writers[cpu ? 0 : 1].AsSpan(offset, size).Fill(Epoch.Pack(agent, time));
            }
            for (int k = 0; k < Bytes; k++)
            {
                ulong a = Base + (ulong)k;
                if (shadow.ValueAt(a) != values[k]) Assert.Fail($"seed {seed} round {round}: value at {k}");
                var page = shadow.Pages.Find(a);
                int o = k % ShadowPage.Size;
                if (page.At(AccessColumn.CpuWrite, o) != writers[0][k] || page.At(AccessColumn.DevWrite, o) != writers[1][k])
                    Assert.Fail($"seed {seed} round {round}: writers at {k}");
            }
        }
    }
}
