using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// model.md §8, read literally: the bits a fetcher uses (used-bits tables), live-entry-write, and what used bits
/// change in torn-entry-fetch and torn-entry-update. Bit sets, whole-trace searches, no state carried along.
/// </summary>
public sealed partial class ReferenceModel
{
    /// <summary>The entry's bytes just before event <paramref name="t"/> (t = n: at the end).</summary>
    byte[] EntryBefore(EntryRef e, int t)
    {
        var v = new byte[e.Table.EntrySize];
        for (ulong a = e.Base; a < e.End; a++) v[a - e.Base] = ValueBefore(a, t);
        return v;
    }

    static bool BitOf(byte[] v, uint bit) => ((v[bit / 8] >> (int)(bit % 8)) & 1) != 0;

    /// <summary>
    /// The bits the fetcher uses of an entry holding <paramref name="v"/>: every bit without used bits; else the
    /// present bit, and, when it is set, the bits of each rule all of whose conditions hold.
    /// </summary>
    static HashSet<uint> Used(RegionInfo table, byte[] v)
    {
        var used = new HashSet<uint>();
        if (table.UsedBits is null)
        {
            for (uint b = 0; b < 8 * table.EntrySize; b++) used.Add(b);
            return used;
        }
        used.Add(table.PresentBit);
        if (!BitOf(v, table.PresentBit)) return used;
        foreach (var rule in table.UsedBits.Rules)
        {
            bool holds = true;
            foreach (var c in rule.When)
            {
                ulong field = 0;
                for (uint b = c.Field.Low; b <= c.Field.High; b++)
                    if (BitOf(v, b)) field |= 1UL << (int)(b - c.Field.Low);
                holds &= (field & c.Mask) == c.Value;
            }
            if (!holds) continue;
            foreach (var run in rule.Bits)
                for (uint b = run.Low; b <= run.High; b++) used.Add(b);
        }
        return used;
    }

    /// <summary>Write <paramref name="i"/> changes a bit of E that the entry before or after it uses (any bit, without used bits).</summary>
    bool ChangesUsed(int i, EntryRef e)
    {
        if (!ChangesEntry(i, e)) return false;
        var before = EntryBefore(e, i);
        var after = EntryBefore(e, i + 1);
        var used = Used(e.Table, before);
        used.UnionWith(Used(e.Table, after));
        for (uint b = 0; b < 8 * e.Table.EntrySize; b++)
            if (BitOf(before, b) != BitOf(after, b) && used.Contains(b)) return true;
        return false;
    }

    /// <summary>
    /// torn-entry-fetch on a used-bits table: the latest cpu store after <paramref name="first"/> and before the read
    /// <paramref name="g"/> that changed a bit of g's granule which the entry the fetch observed uses (granules read
    /// earlier in the fetch as they were read, the others as memory holds them at g), or -1.
    /// </summary>
    int UsedTear(EntryRef e, List<int> reads, int first, int g)
    {
        var observed = EntryBefore(e, g);
        uint granule = e.Table.Granule;
        foreach (int r in reads)
        {
            if (r >= g) break;
            ulong start = Ev(r).Address;
            for (ulong a = start; a < start + granule; a++) observed[a - e.Base] = ValueBefore(a, r);
        }
        var used = Used(e.Table, observed);
        for (int s = g - 1; s > first; s--)
        {
            if (KindOf(s) != EventKind.Store) continue;
            foreach (ulong a in Bytes(g))
            {
                if (!Covers(s, a)) continue;
                int diff = WrittenByte(s, a) ^ ValueBefore(a, s);
                for (int k = 0; k < 8; k++)
                    if ((diff >> k & 1) != 0 && used.Contains((uint)((a - e.Base) * 8) + (uint)k)) return s;
            }
        }
        return -1;
    }

    /// <summary>A fetch read of E that saw present set.</summary>
    bool SawPresent(int r, EntryRef e) =>
        KindOf(r) == EventKind.Fetch && Touches(r, e) && Covers(r, e.PresentByte) && (ValueBefore(e.PresentByte, r) & e.PresentMask) != 0;

    void LiveEntryWrite(List<Finding> all)
    {
        var runStarts = Fetches().Select(f => (f.Entry, First: f.Reads[0])).ToList();
        foreach (var e in AllEntries())
        {
            for (int s = 0; s < _n; s++)
            {
                if (KindOf(s) != EventKind.Store || !Touches(s, e) || !PresentBefore(e, s) || !PresentAfter(e, s) || !ChangesUsed(s, e)) continue;
                // The fetcher may hold E: its latest present-seeing read of E, with no invalidation of E and no write
                // leaving E non-present since.
                int r = -1;
                for (int j = s - 1; j >= 0 && r < 0; j--) if (SawPresent(j, e)) r = j;
                if (r < 0) continue;
                bool dropped = false;
                for (int j = r + 1; j < s; j++)
                    dropped |= InvalidatesEntry(j, e) || (IsWrite(j) && Touches(j, e) && !PresentAfter(e, j));
                if (dropped) continue;
                // Excused by an invalidation of E by its fetcher that S is ordered before, ahead of the next fetch of E.
                bool excused = false;
                for (int i = s + 1; i < _n && !excused; i++)
                {
                    if (runStarts.Any(f => f.Entry == e && f.First > s && f.First < i)) break; // the next fetch came first
                    excused = InvalidatesEntry(i, e) && EntryOrdered(s, i);
                }
                if (!excused) all.Add(F(FindingKind.LiveEntryWrite, s, ("fetch", r)));
            }
        }
    }
}
