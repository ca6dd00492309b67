namespace TraceTools.Tests.Reference;

/// <summary>
/// Entry rules whose excuse reaches the invalidating cpu from ANOTHER cpu at the exact time of the store judged, which
/// the other steps leave undrawn (mutation testing of the entry detectors, 2026-12-05): a cpu clears or rewrites an
/// entry's present word, or stores to a held entry and at once releases a flag with <c>store_release</c> or
/// <c>xchg</c> (whose implied barrier commits the cpu's events up to the one just before it, the store itself); a
/// second cpu acquires (the present word itself, or the flag) and invalidates the entry, or the whole table, then
/// writes the payload. The clocks then carry exactly the judged store's time, so a bound asked with &lt; instead of
/// ≤ (missing-flush-after-clear's lanes, live-entry-write's pending lanes) changes findings (model.md §7.8, §7.14,
/// §8 "Excuses").
/// </summary>
public sealed partial class TraceGenerator
{
    /// <summary>
    /// Entry e made present and fetched (mostly), then one to three rounds by cpu a (a payload or present-word store,
    /// sometimes handed over at once by a release of the flag) each acquired by cpu b, which invalidates and maybe
    /// writes the payload; at the end maybe present set again and a fetch.
    /// </summary>
    void PresentWordHandOver()
    {
        ushort a = Cpu, b = _cpus.Count > 1 ? Pick([.. _cpus.Where(x => x != a)]) : a;
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
