using TraceTools.Replay.Clocks;
using TraceTools.Replay.Detection;
using TraceTools.Replay.HappensBefore;
using TraceTools.Replay.Memory;
using TraceTools.Tests.Engine;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Memory;

/// <summary>
/// The word-cell page against a naive byte-per-byte model of the shadow it replaced (one epoch per byte
/// per column, a clean time and invalidation bits per byte cleared by every write): random accesses of
/// every shape (bytes, words, odd spans, whole pages, byte stores that spill a word), cleans and
/// invalidations, then every byte's latest access, its mark, the runs and the live store times compared.
/// </summary>
[TestClass]
public sealed class ShadowPageModelTests
{
    internal sealed class Model
    {
        public readonly ulong[][] At = [new ulong[ShadowPage.Size], new ulong[ShadowPage.Size], new ulong[ShadowPage.Size], new ulong[ShadowPage.Size]];
        public readonly uint[] Clean = new uint[ShadowPage.Size];
        public readonly ulong[] Invalidated = new ulong[ShadowPage.Size];

        public void Record(AccessColumn column, ulong at, int offset, int length)
        {
            for (int k = offset; k < offset + length; k++)
            {
                At[(int)column][k] = at;
                if (column <= AccessColumn.DevWrite) Clean[k] = 0;
                if (column <= AccessColumn.DevWrite) Invalidated[k] = 0;
            }
        }

        public bool CpuLast(int k) => (uint)At[0][k] > (uint)At[1][k];
        public bool DevLast(int k) => (uint)At[1][k] > (uint)At[0][k];

        public void Mark(HbState hb, int cpu, uint time, bool clean, bool inval, int offset, int length)
        {
            for (int k = offset; k < offset + length; k++)
            {
                if (CpuLast(k))
                {
                    if (clean && (int)(At[0][k] >> 32) == cpu && Clean[k] == 0) Clean[k] = time;
                }
                else if (inval && DevLast(k) && hb.HbBefore(Epoch.From(At[1][k]), cpu)) Invalidated[k] |= 1UL << (cpu & 63);
            }
        }
    }

    internal static HbState Hb()
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0", "cpu1").Device("dev0").Device("dev1");
        return new HbState(t.Metadata(), ClockSimd.Scalar, DetectorNeeds.WriteHistory | DetectorNeeds.CacheState, (_, _) => []);
    }

    public static IEnumerable<object[]> Mixes =>
    [
        [1, "words"], [2, "words"], [3, "bytes"], [4, "bytes"], [5, "pages"], [6, "pages"], [7, "mixed"], [8, "mixed"],
        [9, "scattered"], [10, "scattered"], [15, "mixed-scattered"],
    ];

    [TestMethod]
    [DynamicData(nameof(Mixes))]
    public void ShadowPage_RandomAccessesAndMarks_MatchBytePerByteModel(int seed, string mix)
    {
        var rng = new Random(seed);
        var hb = Hb();
        var page = new ShadowPage();
        var model = new Model();
        uint time = 0;
        for (int op = 0; op < 3000; op++)
        {
            // Device clocks move on, so invalidations sometimes see a device write hb-before them and sometimes not.
            hb.Hb[rng.Next(2) * hb.Width + 2 + rng.Next(2)] = (uint)rng.Next(0, (int)time + 1);
            var (offset, length) = Span(rng, mix);
            time++;
            if (rng.Next(6) == 0)
            {
                int cpu = rng.Next(2), kind = rng.Next(3);
                bool clean = kind != 1, inval = kind != 0;
                page.Mark(hb, cpu, time, clean, inval, offset, length);
                model.Mark(hb, cpu, time, clean, inval, offset, length);
                continue;
            }
            var (column, at) = RandomAccess(rng, time);
            page.Record(column, at, offset, length);
            model.Record(column, at, offset, length);
            if (op % 500 == 0) Compare(page, model, rng, $"op {op}");
        }
        Compare(page, model, rng, "end");
        Assert.IsLessThanOrEqualTo(4, page.Width);
    }

    /// <summary>
    /// The single-word write path (<see cref="ShadowPage.RecordWord"/>: an inlined put, the general path only
    /// when it declines) against the general <see cref="ShadowPage.Record"/> it skips: two pages fed the same
    /// in-word accesses (byte, half-word, word: splits, widening and spills included) and marks end up with
    /// the same width, shape, footprint, accesses and marks at every byte.
    /// </summary>
    [TestMethod]
    [DataRow(11, "words")]
    [DataRow(12, "bytes")]
    [DataRow(13, "mixed")]
    [DataRow(14, "scattered")]
    public void RecordWord_RandomInWordAccessesAndMarks_SameShadowAsRecord(int seed, string mix)
    {
        var rng = new Random(seed);
        var hb = Hb();
        ShadowPage general = new(), word = new();
        uint time = 0;
        int viaWord = 0;
        for (int op = 0; op < 4000; op++)
        {
            hb.Hb[rng.Next(2) * hb.Width + 2 + rng.Next(2)] = (uint)rng.Next(0, (int)time + 1);
            var (offset, length) = Span(rng, mix);
            time++;
            if (rng.Next(8) == 0)
            {
                int cpu = rng.Next(2), kind = rng.Next(3);
                general.Mark(hb, cpu, time, kind != 1, kind != 0, offset, length);
                word.Mark(hb, cpu, time, kind != 1, kind != 0, offset, length);
                continue;
            }
            var (column, at) = RandomAccess(rng, time);
            general.Record(column, at, offset, length);
            if ((offset & 7) + length <= 8)
            {
                word.RecordWord(column, at, offset, length);
                viaWord++;
            }
            else word.Record(column, at, offset, length);
            if (op % 400 == 0 || op == 3999) CompareShadows(general, word, $"op {op}");
        }
        Assert.IsGreaterThan(1000, viaWord, "many accesses took the word path");
        Assert.IsTrue(word.Width > 1, "the word path met a page it had to widen");
    }

    /// <summary>Two pages answer every question alike: width, shape, spills, footprint, and every byte's access and mark per column.</summary>
    internal static void CompareShadows(ShadowPage expected, ShadowPage actual, string when)
    {
        Assert.AreEqual((expected.Width, expected.IsUniform, expected.SpilledWords, expected.Footprint),
            (actual.Width, actual.IsUniform, actual.SpilledWords, actual.Footprint), $"{when}: width, shape, spills, footprint");
        for (int c = 0; c < 4; c++)
        {
            var column = (AccessColumn)c;
            for (int k = 0; k < ShadowPage.Size; k++)
            {
                expected.Run(column, k, k + 1, out ulong at, out ulong mark);
                actual.Run(column, k, k + 1, out ulong at1, out ulong mark1);
                if (at != at1 || mark != mark1) Assert.Fail($"{when}: {column} at byte {k}: ({at:x}, {mark:x}) want, ({at1:x}, {mark1:x}) got");
            }
        }
    }

    static (int Offset, int Length) Span(Random rng, string mix)
    {
        string shape = mix switch
        {
            "mixed" => (new[] { "words", "bytes", "pages" })[rng.Next(3)],
            "mixed-scattered" => (new[] { "scattered", "scattered", "scattered", "pages" })[rng.Next(4)],
            _ => mix,
        };
        switch (shape)
        {
            case "scattered":
                // Anywhere on the page, sometimes across a word: windows that grow down, up and over the middle.
                int anyWord = rng.Next(ShadowPage.Words), bytes = (new[] { 1, 2, 4, 8, 8, 16, 3 })[rng.Next(7)];
                int near = anyWord * 8 + (bytes >= 8 ? (rng.Next(4) == 0 ? rng.Next(8) : 0) : rng.Next(0, 8 - bytes + 1));
                return (near, Math.Min(bytes, ShadowPage.Size - near));
            case "bytes":
                int at = rng.Next(64);
                return (at, rng.Next(1, Math.Min(4, 64 - at) + 1));
            case "pages":
                if (rng.Next(2) == 0) return (0, ShadowPage.Size);
                int start = rng.Next(ShadowPage.Size);
                return (start, rng.Next(1, ShadowPage.Size - start + 1));
            default:
                int word = rng.Next(32);
                int size = (new[] { 4, 8, 8, 16, 2, 3 })[rng.Next(6)];
                int offset = word * 8 + (size >= 8 ? 0 : rng.Next(0, 8 - size + 1));
                return (offset, size);
        }
    }

    /// <summary>A random access column and epoch at <paramref name="time"/>: cpus 0 and 1 for the cpu columns, devices 2 and 3 for the others.</summary>
    internal static (AccessColumn Column, ulong At) RandomAccess(Random rng, uint time)
    {
        var column = (AccessColumn)rng.Next(4);
        int agent = column is AccessColumn.CpuWrite or AccessColumn.CpuRead ? rng.Next(2) : 2 + rng.Next(2);
        return (column, Epoch.Pack(agent, time));
    }

    internal static void Compare(ShadowPage page, Model model, Random rng, string when)
    {
        for (int c = 0; c < 4; c++)
        {
            var column = (AccessColumn)c;
            var expanded = new ulong[ShadowPage.Size];
            page.Expand(column, expanded);
            CollectionAssert.AreEqual(model.At[c], expanded, $"{when}: {column} expanded");
            var marks = new ulong[ShadowPage.Size];
            for (int k = 0; k < ShadowPage.Size; k++)
            {
                page.Run(column, k, k + 1, out ulong at, out marks[k]);
                Assert.AreEqual(model.At[c][k], at, $"{when}: {column} at byte {k}");
                if (column == AccessColumn.CpuWrite && model.CpuLast(k)) Assert.AreEqual(model.Clean[k], marks[k], $"{when}: clean time at byte {k}");
                if (column == AccessColumn.DevWrite && model.DevLast(k)) Assert.AreEqual(model.Invalidated[k], marks[k], $"{when}: invalidations at byte {k}");
            }
            for (int trial = 0; trial < 300; trial++)
            {
                int k = rng.Next(ShadowPage.Size), stop = rng.Next(k + 1, ShadowPage.Size + 1);
                int n = page.Run(column, k, stop, out ulong at, out ulong mark);
                Assert.IsTrue(n >= 1 && k + n <= stop, $"{when}: run of {n} from {k} to {stop}");
                Assert.AreEqual(-1, model.At[c].AsSpan(k, n).IndexOfAnyExcept(at), $"{when}: {column} run from {k} holds one access");
                Assert.AreEqual(-1, marks.AsSpan(k, n).IndexOfAnyExcept(mark), $"{when}: {column} run from {k} has one mark");
            }
        }
        CompareWriterRuns(page, model, rng, when);
        for (int cpu = 0; cpu < 2; cpu++)
        {
            var times = new List<uint>();
            page.AddStoreTimes(cpu, times);
            var expected = model.At[0].Where(a => a != 0 && (int)(a >> 32) == cpu).Select(a => (uint)a).Distinct().Order().ToArray();
            CollectionAssert.AreEqual(expected, times.Distinct().Order().ToArray(), $"{when}: live store times of cpu{cpu}");
        }
    }

    /// <summary>
    /// The joint walk of both write columns (and of any two columns) against the per-column walk it replaces (the shorter of the two
    /// runs, the same accesses and marks) and against the model (one cpu store, device write and marks over
    /// the whole run).
    /// </summary>
    static void CompareWriterRuns(ShadowPage page, Model model, Random rng, string when)
    {
        for (int trial = 0; trial < 600; trial++)
        {
            int k = rng.Next(ShadowPage.Size), stop = trial % 3 == 0 ? ShadowPage.Size : rng.Next(k + 1, Math.Min(ShadowPage.Size, k + 80) + 1);
            int n = page.WriterRun(k, stop, out ulong cpuAt, out ulong cpuMark, out ulong devAt, out ulong devMark);
            int cpuRun = page.Run(AccessColumn.CpuWrite, k, stop, out ulong cpuAt1, out ulong cpuMark1);
            int devRun = page.Run(AccessColumn.DevWrite, k, stop, out ulong devAt1, out ulong devMark1);
            Assert.AreEqual(Math.Min(cpuRun, devRun), n, $"{when}: joint run from {k} to {stop}");
            Assert.AreEqual((cpuAt1, cpuMark1, devAt1, devMark1), (cpuAt, cpuMark, devAt, devMark), $"{when}: writers at {k}");
            var (first, second) = ((AccessColumn)rng.Next(4), (AccessColumn)rng.Next(4));
            int pair = page.PairRun(first, second, k, stop, out ulong firstAt, out ulong firstMark, out ulong secondAt, out ulong secondMark);
            int firstRun = page.Run(first, k, stop, out ulong firstAt1, out ulong firstMark1);
            int secondRun = page.Run(second, k, stop, out ulong secondAt1, out ulong secondMark1);
            Assert.AreEqual(Math.Min(firstRun, secondRun), pair, $"{when}: {first} and {second} from {k} to {stop}");
            Assert.AreEqual((firstAt1, firstMark1, secondAt1, secondMark1), (firstAt, firstMark, secondAt, secondMark), $"{when}: {first} and {second} at {k}");
            for (int j = k; j < k + n; j++)
            {
                Assert.AreEqual((model.At[0][j], model.At[1][j]), (cpuAt, devAt), $"{when}: writers at byte {j} of the run from {k}");
                if (model.CpuLast(j)) Assert.AreEqual((ulong)model.Clean[j], cpuMark, $"{when}: clean time at byte {j}");
                if (model.DevLast(j)) Assert.AreEqual(model.Invalidated[j], devMark, $"{when}: invalidations at byte {j}");
            }
        }
    }

    [TestMethod]
    [DataRow(0, 1)]
    [DataRow(1, 2)]
    [DataRow(2, 4)]
    public void Run_WordsEqualToOneTheRunCovered_AreSkippedToTheExactEnd(int reads, int width)
    {
        // One store over words 2..300 and reads of other columns over all of them (so the page is 1, 2 or 4
        // cells wide and every covered word has the same cells): the run ends exactly where the store does.
        var page = new ShadowPage();
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 1), 16, 299 * 8 - 3);
        if (reads >= 1) page.Record(AccessColumn.DevRead, Epoch.Pack(2, 2), 8, 400 * 8);
        if (reads >= 2) page.Record(AccessColumn.CpuRead, Epoch.Pack(1, 3), 8, 400 * 8);
        if (reads >= 2) page.Record(AccessColumn.DevWrite, Epoch.Pack(3, 4), 310 * 8, 16);
        Assert.AreEqual(width, page.Width);
        int end = 16 + 299 * 8 - 3;
        foreach (int k in new[] { 16, 17, 23, 24, 1000 })
        {
            Assert.AreEqual(end - k, page.Run(AccessColumn.CpuWrite, k, ShadowPage.Size, out ulong at, out _), $"cpu run from {k}");
            Assert.AreEqual(Epoch.Pack(0, 1), at);
            Assert.AreEqual(end - k, page.WriterRun(k, ShadowPage.Size, out at, out _, out ulong dev, out _), $"joint run from {k}");
            Assert.AreEqual((Epoch.Pack(0, 1), 0UL), (at, dev));
            Assert.AreEqual(end - 5 - k, page.WriterRun(k, end - 5, out _, out _, out _, out _), $"joint run from {k} stopped early");
        }
        Assert.AreEqual(16, page.WriterRun(0, ShadowPage.Size, out ulong none, out _, out _, out _), "no writer before the store");
        Assert.AreEqual(0UL, none);
    }

    [TestMethod]
    public void ShadowPage_WholePageWrites_StayOneWord()
    {
        var page = new ShadowPage();
        page.Record(AccessColumn.DevWrite, Epoch.Pack(2, 1), 0, ShadowPage.Size);
        page.Record(AccessColumn.CpuRead, Epoch.Pack(0, 2), 0, ShadowPage.Size);
        page.Record(AccessColumn.DevWrite, Epoch.Pack(3, 3), 0, ShadowPage.Size);
        Assert.IsTrue(page.IsUniform);
        Assert.IsLessThanOrEqualTo(32L, page.Footprint, "one word of cells for the whole page");
        Assert.AreEqual(ShadowPage.Size, page.Run(AccessColumn.DevWrite, 0, ShadowPage.Size, out ulong at, out _));
        Assert.AreEqual(Epoch.Pack(3, 3), at);

        page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, 4), 8, 8);
        Assert.IsFalse(page.IsUniform, "a partial write gives every word its own cells");
        Assert.AreEqual(Epoch.Pack(0, 4), page.At(AccessColumn.CpuWrite, 12));
        Assert.AreEqual(0UL, page.At(AccessColumn.CpuWrite, 16));
        page.Record(AccessColumn.CpuWrite, Epoch.Pack(1, 5), 0, ShadowPage.Size);
        page.Record(AccessColumn.DevWrite, Epoch.Pack(2, 6), 0, ShadowPage.Size);
        page.Record(AccessColumn.CpuRead, Epoch.Pack(1, 7), 0, ShadowPage.Size);
        Assert.IsTrue(page.IsUniform, "rewritten whole, the page is one word again");
    }

    [TestMethod]
    public void ShadowPage_ByteStoresOfEightEvents_SpillOneWordOnly()
    {
        var page = new ShadowPage();
        page.Record(AccessColumn.DevRead, Epoch.Pack(2, 1), 0, 64);
        for (int b = 0; b < 8; b++) page.Record(AccessColumn.CpuWrite, Epoch.Pack(0, (uint)(10 + b)), 8 + b, 1);
        Assert.AreEqual(1, page.SpilledWords);
        Assert.AreEqual(4, page.Width);
        for (int b = 0; b < 8; b++) Assert.AreEqual(Epoch.Pack(0, (uint)(10 + b)), page.At(AccessColumn.CpuWrite, 8 + b));
        Assert.AreEqual(Epoch.Pack(2, 1), page.At(AccessColumn.DevRead, 12), "the spilled word keeps its other columns");
    }

    [TestMethod]
    public void ShadowPage_OneWordWritten_HoldsThatWordsCellsOnly()
    {
        var page = new ShadowPage();
        page.Record(AccessColumn.DevWrite, Epoch.Pack(2, 1), 300 * 8 + 5, 1);
        Assert.AreEqual((1, 1, 8L), (page.WindowWords, page.Width, page.Footprint), "one word, one cell");
        Assert.AreEqual(Epoch.Pack(2, 1), page.At(AccessColumn.DevWrite, 300 * 8 + 5));
        Assert.AreEqual(0UL, page.At(AccessColumn.DevWrite, 300 * 8 + 4));
        Assert.AreEqual(300 * 8 + 5, page.WriterRun(0, ShadowPage.Size, out ulong cpu, out _, out ulong dev, out _), "no writer below the word");
        Assert.AreEqual((0UL, 0UL), (cpu, dev));
        Assert.AreEqual(ShadowPage.Size - 300 * 8 - 6, page.Run(AccessColumn.DevWrite, 300 * 8 + 6, ShadowPage.Size, out _, out _), "none above it");
        page.RecordWord(AccessColumn.CpuRead, Epoch.Pack(0, 2), 300 * 8, 8);
        Assert.AreEqual((1, 2, 16L), (page.WindowWords, page.Width, page.Footprint), "a read of the same word widens it, nothing else");
    }
}
