using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>The nine rules of model.md §4, each a literal loop over the whole trace.</summary>
public sealed partial class ReferenceModel
{
    static Finding F(FindingKind k, int trigger, params (string Role, int Index)[] related) =>
        new(k, trigger, [.. related.Select(r => new RelatedEvent(RelatedRoles.Parse(r.Role), r.Index))]);

    IEnumerable<int> EventsOf(params EventKind[] kinds)
    {
        for (int i = 0; i < _n; i++) if (Array.IndexOf(kinds, KindOf(i)) >= 0) yield return i;
    }

    /// <summary>
    /// <c>publish</c>: the first event x of S's cpu at or after S with a cross edge x → y leaving the cpu on a
    /// path to R (y = R or y hb R).
    /// </summary>
    int Publish(int s, int r)
    {
        int A = AgentOf(s);
        for (int x = s; x < _n; x++)
        {
            if (AgentOf(x) != A) continue;
            foreach (var c in _cross)
                if (c.From == x && AgentOf(c.To) != A && ((c.To == r && LastHopCountsForData(c)) || HbData(c.To, r))) return x;
        }
        throw new InvalidOperationException($"no publish of #{s} toward #{r}");
    }

    /// <summary>
    /// <c>acquire</c>: the first plain acquire y of L's cpu before L whose incoming edge u → y carries W
    /// (u = W or W hb u): the sync read that made W hb-before L.
    /// </summary>
    int Acquire(int w, int l)
    {
        int B = AgentOf(l);
        for (int y = 0; y < l; y++)
        {
            if (AgentOf(y) != B) continue;
            foreach (var c in _cross)
                if (c.To == y && IsPlainAcquire(c) && AgentOf(c.From) != B && (c.From == w || Hb(w, c.From))) return y;
        }
        throw new InvalidOperationException($"no acquire of #{w} toward #{l}");
    }

    void StaleDmaRead(List<Finding> all)
    {
        foreach (int r in EventsOf(EventKind.DmaRead))
        {
            foreach (ulong a in Bytes(r))
            {
                if (!IsDataByte(a)) continue;
                int s = LastWriter(a, r);
                if (s < 0 || !IsCpu(s)) continue; // never written, or the reader's own (device) side
                if (HbData(s, r) && !ObBefore(s, r))
                {
                    all.Add(F(FindingKind.StaleDmaRead, r, ("store", s), ("publish", Publish(s, r))));
                    break; // one per R: the first failing byte's writer
                }
            }
        }
    }

    void StaleCpuRead(List<Finding> all)
    {
        foreach (int l in EventsOf(EventKind.Load))
        {
            foreach (ulong a in Bytes(l))
            {
                if (!IsDataByte(a)) continue;
                int w = LastWriter(a, l);
                if (w < 0 || IsCpu(w)) continue;
                if (HbData(w, l) && !ObBefore(w, l))
                {
                    all.Add(F(FindingKind.StaleCpuRead, l, ("dma-write", w), ("acquire", Acquire(w, l))));
                    break;
                }
            }
        }
    }

    bool IsRaceAccess(int i) => KindOf(i) is EventKind.Load or EventKind.Store or EventKind.DmaRead or EventKind.DmaWrite;

    /// <summary>
    /// e's access to byte a is still current at t: always, or (last-access reading) unless a later access to a
    /// before t superseded it: a later access of the same side (cpu or device) and the same direction (read or
    /// write): one last writer and one last reader per side.
    /// </summary>
    bool CurrentAt(int e, ulong a, int t)
    {
        if (!_readings.RacePairsWithLastAccessOnly) return true;
        for (int j = e + 1; j < t; j++)
        {
            if (!IsRaceAccess(j) || !Covers(j, a) || IsWrite(j) != IsWrite(e)) continue;
            if (IsCpu(j) == IsCpu(e)) return false;
        }
        return true;
    }

    /// <summary>e and t conflict on some data byte and race: cpu vs device, one writes, neither hb-before the other.</summary>
    bool Races(int e, int t, ulong a) =>
        IsRaceAccess(e) && IsCpu(e) != IsCpu(t) && (IsWrite(e) || IsWrite(t))
        && IsDataByte(a) && Covers(e, a) && CurrentAt(e, a, t) && !HbData(e, t);

    void DmaRace(List<Finding> all)
    {
        for (int t = 0; t < _n; t++)
        {
            if (!IsRaceAccess(t)) continue;
            int other = -1;
            if (_readings.RaceOtherOfFirstByte)
            {
                // the first racing byte (address order), and its most recent racing access
                foreach (ulong a in Bytes(t))
                {
                    for (int e = t - 1; e >= 0 && other < 0; e--) if (Races(e, t, a)) other = e;
                    if (other >= 0) break;
                }
            }
            else
            {
                // the most recent earlier access that conflicts AND races with t
                for (int e = t - 1; e >= 0 && other < 0; e--)
                    if (Bytes(t).Any(a => Races(e, t, a))) other = e;
            }
            if (other >= 0) all.Add(F(FindingKind.DmaRace, t, ("other", other)));
        }
    }

    /// <summary>The fetcher's fetches: runs of fetch events of one entry with strictly rising granule numbers.</summary>
    List<(EntryRef Entry, List<int> Reads)> Fetches()
    {
        var runs = new List<(EntryRef, List<int>)>();
        var open = new Dictionary<int, (EntryRef Entry, List<int> Reads)>(); // per fetcher agent
        for (int i = 0; i < _n; i++)
        {
            if (KindOf(i) != EventKind.Fetch) continue;
            var ev = Ev(i);
            var table = RegionOf(ev.Address)!;
            var entry = new EntryRef(table, (ev.Address - table.Base) / table.EntrySize);
            if (open.TryGetValue(ev.Agent, out var cur) && cur.Entry == entry && Ev(cur.Reads[^1]).Aux < ev.Aux)
            {
                cur.Reads.Add(i);
                continue;
            }
            var run = (entry, new List<int> { i });
            runs.Add(run);
            open[ev.Agent] = run;
        }
        return runs;
    }

    void TornEntryFetch(List<Finding> all)
    {
        foreach (var (entry, reads) in Fetches())
        {
            bool sawPresent = reads.Any(r => Covers(r, entry.PresentByte) && (ValueBefore(entry.PresentByte, r) & entry.PresentMask) != 0);
            if (!sawPresent) continue;
            int first = reads[0];
            foreach (int g in reads.Skip(1))
            {
                // the latest cpu store after the first granule read that changed bytes of this granule
                int tear = -1;
                if (entry.Table.UsedBits is not null) tear = UsedTear(entry, reads, first, g); // model.md §8
                else
                    for (int s = g - 1; s > first && tear < 0; s--)
                        if (KindOf(s) == EventKind.Store && Bytes(g).Any(a => ChangesByte(s, a))) tear = s;
                if (tear < 0) continue;
                all.Add(F(FindingKind.TornEntryFetch, g, ("first-granule", first), ("store", tear)));
                break; // one per fetch
            }
        }
    }
}
