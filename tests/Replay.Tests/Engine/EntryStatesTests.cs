using TraceTools.Detectors.Entries;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The engine's entry numbering (<see cref="EntrySlots"/>) and the entry detectors' per-entry state table over it,
/// against a dictionary keyed by entry address (what they replaced).
/// </summary>
[TestClass]
public sealed class EntryStatesTests
{
    struct State
    {
        public int Id;
    }

    static RegionInfo Table(string name, ulong @base, ulong entries, uint entrySize) => new()
    {
        Name = name, Kind = RegionKind.Table, Base = @base, Size = entries * entrySize, Entries = entries,
        EntrySize = entrySize, Granule = entrySize, Device = 1,
    };

    static RegionInfo Ram(ulong @base) => new() { Name = "ram", Kind = RegionKind.Ram, Base = @base, Size = 0x1000 };

    [TestMethod]
    public void EntryStates_RandomTouches_SameStatesAndWalksAsDictionary()
    {
        // Two tables with fixed slot ranges (one of them past a ram region) and one numbered on first touch (2^30 entries).
        RegionInfo[] tables = [Table("a", 0x1000_0000, 4096, 16), Ram(0x3000_0000), Table("b", 0x2000_0000, 1000, 24), Table("c", 0x10_0000_0000, 1UL << 30, 8)];
        var slots = new EntrySlots(tables);
        var rng = new Random(5);
        var states = new EntryStates<State>();
        var model = new Dictionary<ulong, int>();
        var slotOf = new Dictionary<ulong, int>();
        var keyOf = new Dictionary<int, ulong>();
        var order = new List<(ulong Key, int Id)>();
        int ids = 0;
        for (int step = 0; step < 20_000; step++)
        {
            int region = rng.Next(tables.Length);
            var t = tables[region];
            if (t.Kind != RegionKind.Table) continue;
            ulong entry = rng.Next(3) == 0 ? (ulong)rng.Next(8) : (ulong)(rng.NextInt64((long)t.Entries));
            ulong key = t.Base + entry * t.EntrySize;
            if (rng.Next(2) == 0)
            {
                int slot = slots.Of(region, entry);
                Assert.AreEqual(slotOf.GetValueOrDefault(key, slot), slot, $"step {step}: entry {key:x} changed slot");
                Assert.AreEqual(key, keyOf.GetValueOrDefault(slot, key), $"step {step}: slot {slot} shared");
                slotOf[key] = slot;
                keyOf[slot] = key;
                ref var got = ref states.Get(slot, region);
                if (!model.TryGetValue(key, out int expected))
                {
                    Assert.AreEqual(0, got.Id, $"step {step}: a new entry got an old state");
                    got.Id = ++ids;
                    states.Arm(slot, region); // at creation: a table's armed states then come in creation order
                    model.Add(key, got.Id);
                    order.Add((key, got.Id));
                }
                else Assert.AreEqual(expected, got.Id, $"step {step}: entry {key:x}");
            }
            else
            {
                int slot = slots.Find(region, entry);
                Assert.AreEqual(model.ContainsKey(key), states.Has(slot), $"step {step}: find {key:x}");
                if (model.TryGetValue(key, out int id)) Assert.AreEqual(id, states[slot].Id);
            }
            if (step % 1000 == 999)
            {
                CollectionAssert.AreEqual(order.Select(o => o.Id).ToList(), Walk(states, states.All), "all, in creation order");
                for (int r = 0; r < tables.Length; r++)
                {
                    var mine = order.Where(o => o.Key >= tables[r].Base && o.Key < tables[r].End).Select(o => o.Id).ToList();
                    CollectionAssert.AreEqual(mine, WalkArmed(states, r), $"table {r}");
                }
            }
        }
        var (oneKey, oneId) = order[0];
        CollectionAssert.AreEqual(new[] { oneId }, Walk(states, states.Invalidated(new EntryInvalidation(0, 0, 1, 1, 0, oneKey, All: false) { Slot = slotOf[oneKey] })));
    }

    [TestMethod]
    public void EntryStates_UntouchedEntryOrTable_FindsNothingAndCreatesNothing()
    {
        var states = new EntryStates<State>();
        Assert.IsFalse(states.Has(0));
        Assert.IsFalse(states.Has(-1), "an entry the engine never numbered");
        states.Get(5, 0);
        Assert.IsFalse(states.Has(6));
        Assert.IsFalse(states.Has(4));
        Assert.IsFalse(states.Has(600_000), "beyond the array");
        Assert.AreEqual(1, Walk(states, states.All).Count);
        Assert.AreEqual(0, WalkArmed(states, 3).Count, "a table never touched");
        Assert.AreEqual(0, Walk(states, states.Invalidated(new EntryInvalidation(0, 0, 1, 1, 0, 0x1000, All: false) { Slot = -1 })).Count);
    }

    /// <summary>Slots stay dense: fixed ranges for tables of the usual size, the entries of a huge one numbered on first touch after them.</summary>
    [TestMethod]
    public void EntrySlots_HugeTable_NumbersTouchedEntriesOnly()
    {
        var slots = new EntrySlots([Table("ring", 0, 256, 16), Table("huge", 0x1_0000_0000, 1UL << 40, 8), Table("ctx", 0x1000, 64, 64)]);
        Assert.AreEqual(3, slots.Of(0, 3));
        Assert.AreEqual(256 + 5, slots.Of(2, 5), "the next fixed range");
        Assert.AreEqual(-1, slots.Find(1, 1UL << 38), "not numbered yet");
        Assert.AreEqual(256 + 64, slots.Of(1, 1UL << 38));
        Assert.AreEqual(256 + 65, slots.Of(1, 7));
        Assert.AreEqual(256 + 64, slots.Find(1, 1UL << 38));
        Assert.AreEqual(256 + 64, slots.Of(1, 1UL << 38));
    }

    /// <summary>
    /// Memory follows the entries touched, not the slot numbers: the last entry of a 2^16-entry ring (the highest fixed
    /// slot) and one far entry of a huge table (numbered after every fixed range) cost a page of cells each.
    /// </summary>
    [TestMethod]
    public void EntryStates_HighSlots_OnePageEach()
    {
        var slots = new EntrySlots([Table("ring", 0, 1 << 16, 16), Table("huge", 0x1_0000_0000, 1UL << 40, 8)]);
        var states = new EntryStates<State>();
        states.Get(slots.Of(0, (1 << 16) - 1), 0).Id = 1;
        states.Get(slots.Of(1, 1UL << 39), 1).Id = 2;
        Assert.AreEqual(2 * 256, states.CellsAllocated);
        Assert.AreEqual(1, states[slots.Of(0, (1 << 16) - 1)].Id);
        Assert.AreEqual(2, states[slots.Find(1, 1UL << 39)].Id);
        Assert.IsFalse(states.Has(slots.Of(0, 0)), "an untouched entry of a touched table");
        Assert.IsFalse(states.Has(-1));
    }

    /// <summary>Keeps every state armed; records the ids seen, in order.</summary>
    struct KeepAll : IArmedVisit<State>
    {
        public List<int> Seen;

        public readonly bool Visit(ref State state)
        {
            Seen.Add(state.Id);
            return true;
        }
    }

    /// <summary>The ids of table <paramref name="region"/>'s armed states, in arming order; they stay armed.</summary>
    static List<int> WalkArmed(EntryStates<State> states, int region)
    {
        var walk = new KeepAll { Seen = [] };
        states.WalkArmed(region, ref walk);
        return walk.Seen;
    }

    static List<int> Walk(EntryStates<State> states, EntryStates<State>.Selection selection)
    {
        var list = new List<int>();
        foreach (int slot in selection) list.Add(states[slot].Id);
        return list;
    }

    /// <summary>Keeps the states whose id is odd; records the ids seen, in order.</summary>
    struct KeepOdd : IArmedVisit<State>
    {
        public List<int> Seen;

        public readonly bool Visit(ref State state)
        {
            Seen.Add(state.Id);
            return state.Id % 2 == 1;
        }
    }

    [TestMethod]
    public void EntryStates_WalkArmed_VisitsArmedOfTheTableInArmingOrderAndDropsWhatTheVisitEnds()
    {
        var states = new EntryStates<State>();
        for (int slot = 0; slot < 600; slot++) states.Get(slot, slot < 500 ? 0 : 2).Id = slot;
        // Armed out of creation order, one twice, and one of another table.
        foreach (int slot in new[] { 300, 7, 8, 300, 9, 260, 550 }) states.Arm(slot, slot < 500 ? 0 : 2);

        var walk = new KeepOdd { Seen = [] };
        states.WalkArmed(0, ref walk);
        CollectionAssert.AreEqual(new[] { 300, 7, 8, 9, 260 }, walk.Seen, "arming order, once each, table 0 only");

        states.Arm(8, 0); // dropped by the walk: arming it again adds it after the kept ones
        walk.Seen.Clear();
        states.WalkArmed(0, ref walk);
        CollectionAssert.AreEqual(new[] { 7, 9, 8 }, walk.Seen);

        walk.Seen.Clear();
        states.WalkArmed(1, ref walk); // a table with nothing armed (and no states)
        states.WalkArmed(2, ref walk);
        CollectionAssert.AreEqual(new[] { 550 }, walk.Seen);
    }
}
