using TraceTools.Detectors.Entries;
using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>The per-entry state table of the entry detectors against a dictionary keyed by entry address (what it replaced).</summary>
[TestClass]
public sealed class EntryStatesTests
{
    sealed class State
    {
        public int Id;
    }

    static RegionInfo Table(string name, ulong @base, ulong entries, uint entrySize) => new()
    {
        Name = name, Kind = RegionKind.Table, Base = @base, Size = entries * entrySize, Entries = entries,
        EntrySize = entrySize, Granule = entrySize, Device = 1,
    };

    [TestMethod]
    public void EntryStates_RandomTouches_SameStatesAndWalksAsDictionary()
    {
        // A power-of-two entry size (shift), another (divide), and a table large enough for far pages (beyond 2^24 entries).
        RegionInfo[] tables = [Table("a", 0x1000_0000, 4096, 16), Table("b", 0x2000_0000, 1000, 24), Table("c", 0x10_0000_0000, 1UL << 30, 8)];
        var rng = new Random(5);
        var states = new EntryStates<State>();
        var model = new Dictionary<ulong, State>();
        var order = new List<(ulong Key, State State)>();
        int ids = 0;
        for (int step = 0; step < 20_000; step++)
        {
            int region = rng.Next(tables.Length);
            var t = tables[region];
            ulong entry = rng.Next(3) == 0 ? (ulong)rng.Next(8) : (ulong)(rng.NextInt64((long)t.Entries));
            ulong key = t.Base + entry * t.EntrySize;
            if (rng.Next(2) == 0)
            {
                var got = states.Get(t, region, key);
                if (!model.TryGetValue(key, out var expected))
                {
                    Assert.AreEqual(0, got.Id, $"step {step}: a new entry got an old state");
                    got.Id = ++ids;
                    model.Add(key, got);
                    order.Add((key, got));
                }
                else Assert.AreSame(expected, got, $"step {step}: entry {key:x}");
            }
            else
            {
                Assert.AreSame(model.GetValueOrDefault(key), states.Find(region, key), $"step {step}: find {key:x}");
            }
            if (step % 1000 == 999)
            {
                CollectionAssert.AreEqual(order.Select(o => o.State).ToList(), Walk(states.All), "all, in creation order");
                for (int r = 0; r < tables.Length; r++)
                {
                    var mine = order.Where(o => o.Key >= tables[r].Base && o.Key < tables[r].End).Select(o => o.State).ToList();
                    CollectionAssert.AreEqual(mine, Walk(states.Invalidated(new EntryInvalidation(0, 0, 1, 1, r, 0, All: true))), $"table {r}");
                }
            }
        }
        var (one, oneKey) = (model.First().Value, model.First().Key);
        int oneRegion = Array.FindIndex(tables, t => oneKey >= t.Base && oneKey < t.End);
        CollectionAssert.AreEqual(new[] { one }, Walk(states.Invalidated(new EntryInvalidation(0, 0, 1, 1, oneRegion, oneKey, All: false))));
    }

    [TestMethod]
    public void EntryStates_UntouchedEntryOrTable_FindsNothingAndCreatesNothing()
    {
        var t = Table("a", 0x1000, 1UL << 20, 16);
        var states = new EntryStates<State>();
        Assert.IsNull(states.Find(0, 0x1000));
        states.Get(t, 0, 0x1000 + 5 * 16);
        Assert.IsNull(states.Find(0, 0x1000 + 6 * 16));
        Assert.IsNull(states.Find(0, 0x1000 + 600_000UL * 16), "an entry beyond the directory");
        Assert.IsNull(states.Find(3, 0x9000), "a table never touched");
        Assert.AreEqual(1, Walk(states.All).Count);
        Assert.AreEqual(0, Walk(states.Invalidated(new EntryInvalidation(0, 0, 1, 1, 3, 0, All: true))).Count);
    }

    /// <summary>Memory follows the entries touched: the directory grows to the highest page touched, and far pages do not grow it.</summary>
    [TestMethod]
    public void EntryStates_FarEntry_DirectoryStaysSmall()
    {
        var t = Table("huge", 0, 1UL << 40, 8);
        var states = new EntryStates<State>();
        states.Get(t, 0, 3 * 8);
        Assert.AreEqual(1, states.DirectoryLength(0));
        states.Get(t, 0, (1UL << 38) * 8);
        Assert.AreEqual(1, states.DirectoryLength(0), "a far page went into the directory");
        Assert.IsNotNull(states.Find(0, (1UL << 38) * 8));
    }

    static List<State> Walk(EntryStates<State>.Selection selection)
    {
        var list = new List<State>();
        foreach (var s in selection) list.Add(s);
        return list;
    }
}
