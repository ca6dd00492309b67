using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// docs/model.md §9, literally: cache maintenance acts on every whole line its range touches, and the two
/// line rules, shared-cacheline and discarded-store, each a loop over the whole trace.
/// </summary>
public sealed partial class ReferenceModel
{
    int LineSize => _md.CacheLineSize;

    ulong LineOf(ulong addr) => addr - addr % (ulong)LineSize;

    /// <summary>True when event <paramref name="k"/>'s range touches the line holding <paramref name="addr"/>.</summary>
    bool CoversLine(int k, ulong addr)
    {
        var e = Ev(k);
        if (e.Kind is EventKind.DevInvalidate || !e.Kind.HasAddress() || e.Size == 0) return false;
        ulong line = LineOf(addr);
        return LineOf(e.Address) <= line && line <= LineOf(e.Address + (ulong)e.Size - 1);
    }

    static bool IsCacheOp(EventKind k) => k is EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush;

    /// <summary>The lines event <paramref name="i"/> touches, in address order.</summary>
    IEnumerable<ulong> LinesOf(int i)
    {
        var e = Ev(i);
        ulong first = LineOf(e.Address), last = LineOf(e.Address + (ulong)e.Size - 1);
        for (ulong k = 0; k <= (last - first) / (ulong)LineSize; k++) yield return first + k * (ulong)LineSize;
    }

    IEnumerable<ulong> BytesOfLine(ulong line)
    {
        for (ulong k = 0; k < (ulong)LineSize && line + k >= line; k++) yield return line + k;
    }

    /// <summary>
    /// The device took the bytes of W back before <paramref name="i"/>: a cpu invalidated or flushed the line of
    /// <paramref name="addr"/> after W, with W hb-before that invalidation.
    /// </summary>
    bool Returned(int w, ulong addr, int i)
    {
        for (int k = w + 1; k < i; k++)
            if (KindOf(k) is EventKind.CacheInval or EventKind.CacheFlush && CoversLine(k, addr) && Hb(w, k)) return true;
        return false;
    }

    /// <summary>
    /// The cpu store <paramref name="s"/> (last write of byte <paramref name="x"/>) was made while the device of
    /// W owned the buffer: after W, or before W without being handed off (hb-before W with a clean of x's line
    /// completed before a release reaching W: missing-cache-clean's condition, applied to W).
    /// </summary>
    bool WrittenWhileOwned(int s, int w, ulong x) => s > w || !(Hb(s, w) && CleanedBeforeARelease(s, w, x));

    void SharedCacheline(List<Finding> all)
    {
        foreach (int i in EventsOf(EventKind.CacheInval, EventKind.CacheFlush))
        {
            var found = FirstSharedLine(i);
            if (found is { } f) all.Add(F(FindingKind.SharedCacheline, i, ("store", f.Store), ("dma-write", f.Write)));
        }
    }

    (int Store, int Write)? FirstSharedLine(int i)
    {
        foreach (ulong line in LinesOf(i))
            foreach (ulong a in BytesOfLine(line))
            {
                int w = LastWriter(a, i);
                if (w < 0 || IsCpu(w) || _md.Agents[AgentOf(w)].Coherent || !IsDataByte(a) || !Hb(w, i) || Returned(w, a, i)) continue;
                foreach (ulong x in BytesOfLine(line))
                {
                    int s = LastWriter(x, i);
                    if (s >= 0 && IsCpu(s) && WrittenWhileOwned(s, w, x)) return (s, w);
                }
            }
        return null;
    }

    void DiscardedStore(List<Finding> all)
    {
        foreach (int l in EventsOf(EventKind.Load))
        {
            foreach (ulong a in Bytes(l))
            {
                if (!IsDataByte(a)) continue;
                int s = LastWriter(a, l);
                if (s < 0 || !IsCpu(s)) continue;
                int first = -1;
                for (int k = s + 1; k < l && first < 0; k++)
                    if (IsCacheOp(KindOf(k)) && CoversLine(k, a)) first = k;
                if (first < 0 || KindOf(first) != EventKind.CacheInval) continue;
                all.Add(F(FindingKind.DiscardedStore, l, ("store", s), ("invalidation", first)));
                break;
            }
        }
    }
}
