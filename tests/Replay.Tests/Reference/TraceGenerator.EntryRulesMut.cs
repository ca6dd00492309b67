namespace TraceTools.Tests.Reference;

/// <summary>
/// Entry rules whose excuse reaches the invalidating cpu from ANOTHER cpu at the exact time of the store judged, which
/// the other steps leave undrawn (mutation testing of the entry detectors, 2026-12-05): a cpu clears or rewrites an
/// entry's present word, or stores to a held entry and at once releases a flag with <c>store_release</c> or
/// <c>xchg</c> (whose implied barrier commits the cpu's events up to the one just before it, the store itself); a
/// second cpu acquires (the present word itself, or the flag) and invalidates the entry, or the whole table, then
/// writes the payload. The clocks then carry exactly the judged store's time, so a bound asked with &lt; instead of
/// ≤ (missing-flush-after-clear's lanes, live-entry-write's pending lanes) changes findings (model.md §7.8, §7.14,
/// §8 "Excuses"); and a cpu's clears out of the order their windows were first opened, before another cpu's first
/// invalidation of the whole table.
/// </summary>
public sealed partial class TraceGenerator
{
    /// <summary>One of the two hand-over steps below.</summary>
    void EntryHandOvers()
    {
        if (Chance(70)) PresentWordHandOver();
        else ClearsOutOfArmingOrder();
    }

    /// <summary>
    /// Cpu a clears entry x, sets it again (closing that window), clears entry y, releases the flag and clears x again:
    /// x's window was opened first but its clear is now the later one. Cpu b reads the flag (it knows a up to y's
    /// clear, not x's second one), invalidates the whole table (often its first: missing-flush-after-clear then
    /// learns the windows under way in the order they were first opened) and writes a payload: y's window is excused
    /// (model.md §7.8), x's is not.
    /// </summary>
    void ClearsOutOfArmingOrder()
    {
        ushort a = Cpu, b = OtherCpu(a);
        ulong x = Pick(0ul, 1ul), y = 1 - x;
        var (f, fn) = FlagWord();
        _b.Store(a, PresentWord(x), PresentWordSize, PresentValue);
        _b.Store(a, PresentWord(x), PresentWordSize, 0);
        _b.Store(a, PresentWord(x), PresentWordSize, PresentValue);
        _b.Store(a, PresentWord(y), PresentWordSize, PresentValue);
        _b.Store(a, PresentWord(y), PresentWordSize, 0);
        MaybeBarrier(a, 70);
        _b.Store(a, f, fn, (ulong)_rng.Next(1, 4));
        _b.Store(a, PresentWord(x), PresentWordSize, 0);
        _b.Load(b, f, fn);
        MaybeBarrier(b, 40);
        if (Chance(80)) _b.DevInvalidateAll(b, Fetcher);
        else Invalidate(b, Pick(x, y));
        _b.Store(b, PayloadWord(Pick(y, y, x)), 8, Value());
        if (Chance(40)) _b.Store(b, PresentWord(y), PresentWordSize, PresentValue);
    }

    /// <summary>
    /// Entry e made present and fetched (mostly), then one to three rounds by cpu a (a payload or present-word store,
    /// sometimes handed over at once by a release of the flag) each acquired by cpu b, which invalidates and maybe
    /// writes the payload; at the end maybe present set again and a fetch.
    /// </summary>
    void PresentWordHandOver()
    {
        ushort a = Cpu, b = OtherCpu(a);
        ulong e = Pick(0ul, 1ul);
        var (f, fn) = FlagWord();
        if (Chance(75))
        {
            _b.Store(a, PresentWord(e), PresentWordSize, LivePresentValue());
            if (Chance(80)) FetchRun(e);
        }
        int rounds = _rng.Next(1, 4);
        for (int i = 0; i < rounds; i++)
        {
            bool viaFlag = Chance(45);
            if (viaFlag)
            {
                // The store to the entry, then at once (no event between) the release that hands it over.
                if (Chance(50)) _b.Store(a, PayloadWord(e), 8, Value());
                else _b.Store(a, PresentWord(e), PresentWordSize, Chance(70) ? LivePresentValue() : 0);
                if (Chance(50)) _b.StoreRelease(a, f, fn, (ulong)_rng.Next(1, 4));
                else _b.Xchg(a, f, fn, (ulong)_rng.Next(1, 4));
                if (Chance(60)) _b.LoadAcquire(b, f, fn);
                else _b.Load(b, f, fn);
            }
            else
            {
                MaybeBarrier(a, 30);
                _b.Store(a, PresentWord(e), PresentWordSize, Chance(50) ? 0 : LivePresentValue());
                if (Chance(80)) _b.Load(b, PresentWord(e), PresentWordSize);
            }
            MaybeBarrier(b, 40);
            if (Chance(85)) Invalidate(b, e);
            if (Chance(50)) _b.Store(b, PayloadWord(e), 8, Value());
            if (Chance(30)) FetchRun(e);
        }
        if (Chance(50))
        {
            MaybeBarrier(b, 50);
            _b.Store(b, PresentWord(e), PresentWordSize, LivePresentValue());
        }
        if (Chance(50)) FetchRun(e);
    }
}
