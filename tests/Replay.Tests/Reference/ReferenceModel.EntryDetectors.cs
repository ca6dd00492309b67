using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

public sealed partial class ReferenceModel
{
    void MissingFlushAfterClear(List<Finding> all)
    {
        foreach (var e in AllEntries())
        {
            for (int c = 0; c < _n; c++)
            {
                // only cpu stores clear present
                if (KindOf(c) != EventKind.Store || !ClearsPresent(c, e)) continue;
                for (int m = c + 1; m < _n; m++)
                {
                    // device writes neither open nor close a window (contract v1.1 "Who clears")
                    if (KindOf(m) != EventKind.Store) continue;
                    // one flush window per entry: a cpu store clearing present closes it without a finding
                    if (ClearsPresent(m, e)) break;
                    bool closes = SetsPresent(m, e); // the cpu store that sets present again: judged, then closes
                    if (ChangesNonPresentBits(m, e) && !FlushedBetween(c, m, e))
                    {
                        all.Add(F(FindingKind.MissingFlushAfterClear, m, ("clear", c)));
                        break; // one per clear
                    }
                    if (closes) break;
                }
            }
        }
    }

    /// <summary>Some invalidation I of E by its fetcher with C &lt; I &lt; M, C ob-before I and I hb-before M.</summary>
    bool FlushedBetween(int c, int m, EntryRef e)
    {
        for (int i = c + 1; i < m; i++)
            if (InvalidatesEntry(i, e) && EntryOrdered(c, i) && Hb(i, m)) return true;
        return false;
    }

    void PresentBeforePayload(List<Finding> all)
    {
        foreach (var e in AllEntries())
        {
            for (int p = 0; p < _n; p++)
            {
                if (KindOf(p) != EventKind.Store || !SetsPresent(p, e)) continue;
                // "since E was last non-present": from the write that last turned present off (that write
                // included), or from the start of the trace
                int since = 0;
                for (int j = p - 1; j >= 0; j--)
                    if (IsWrite(j) && Touches(j, e) && PresentBefore(e, j) && !PresentAfter(e, j)) { since = j; break; }
                for (int m = p - 1; m >= since; m--)
                {
                    if (KindOf(m) != EventKind.Store || !ChangesNonPresentBits(m, e)) continue;
                    if (!EntryOrdered(m, p))
                    {
                        all.Add(F(FindingKind.PresentBeforePayload, p, ("payload", m))); // the latest such M
                        break;
                    }
                }
            }
        }
    }

    void TornEntryUpdate(List<Finding> all)
    {
        foreach (var e in AllEntries())
        {
            int first = -1, count = 0;
            for (int i = 0; i < _n; i++)
            {
                if (InvalidatesEntry(i, e)) { first = -1; count = 0; continue; }
                // E becoming non-present by any agent's write ends it (contract v1.1 "Bursts")
                if (KindOf(i) == EventKind.DmaWrite && ClearsPresent(i, e)) { first = -1; count = 0; continue; }
                if (KindOf(i) != EventKind.Store || !ChangesUsed(i, e)) continue; // other device writes neither join nor end; unused-only stores are no change (§8)
                if (PresentBefore(e, i) && PresentAfter(e, i))
                {
                    if (first < 0) { first = i; count = 1; continue; }
                    if (++count == 2) all.Add(F(FindingKind.TornEntryUpdate, i, ("earlier-store", first)));
                }
                else
                {
                    first = -1; count = 0; // E becomes (or is) non-present: the burst ends
                }
            }
        }
    }

    void MissingCacheClean(List<Finding> all)
    {
        foreach (int r in EventsOf(EventKind.DmaRead))
        {
            if (_md.Agents[AgentOf(r)].Coherent) continue;
            foreach (ulong a in Bytes(r))
            {
                if (!IsDataByte(a)) continue;
                int s = LastWriter(a, r);
                if (s < 0 || !IsCpu(s) || !HbData(s, r)) continue;
                if (!CleanedBeforeARelease(s, r, a))
                {
                    all.Add(F(FindingKind.MissingCacheClean, r, ("store", s)));
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Some release x of S's cpu that reaches R (cross edge x → y, y = R or y hb R) is preceded, after S, by a
    /// clean or flush K of the byte by S's cpu that the writer rule orders (with completion) before x.
    /// </summary>
    bool CleanedBeforeARelease(int s, int r, ulong addr)
    {
        int A = AgentOf(s);
        foreach (var c in _cross)
        {
            int x = c.From;
            if (AgentOf(x) != A || x <= s || AgentOf(c.To) == A || !((c.To == r && LastHopCountsForData(c)) || HbData(c.To, r))) continue;
            for (int k = s + 1; k < x; k++)
                if (AgentOf(k) == A && KindOf(k) is EventKind.CacheClean or EventKind.CacheFlush && CoversLine(k, addr)
                    && WriterOrdered(k, x, !IsCpuAgent(AgentOf(c.To))))
                    return true;
        }
        return false;
    }

    void MissingCacheInvalidate(List<Finding> all)
    {
        foreach (int l in EventsOf(EventKind.Load))
        {
            foreach (ulong a in Bytes(l))
            {
                if (!IsDataByte(a)) continue;
                int w = LastWriter(a, l);
                if (w < 0 || IsCpu(w) || _md.Agents[AgentOf(w)].Coherent) continue;
                bool invalidated = false;
                for (int k = 0; k < l && !invalidated; k++)
                    invalidated = AgentOf(k) == AgentOf(l) && KindOf(k) is EventKind.CacheInval or EventKind.CacheFlush
                        && CoversLine(k, a) && Hb(w, k);
                if (!invalidated)
                {
                    all.Add(F(FindingKind.MissingCacheInvalidate, l, ("dma-write", w)));
                    break;
                }
            }
        }
    }
}
