namespace TraceTools.Tests.Reference;

public sealed partial class TraceGenerator
{
    /// <summary>
    /// The constructs of two readings that a long run past the differential's seeds found the engine taking less
    /// literally than the reference (docs/replay-engine.md, "Past the differential's seeds": the steps' traces showed
    /// them in 3 of 50,000 and 1 of 100,000): an unlock after cache maintenance and any barrier of the arch, handed
    /// through the lock to a cpu that rings a device which reads the bytes (model.md §7.19); and a load covering an
    /// entry's present word that its own cpu stored last, after a plain acquire of the fetcher's flag and payload
    /// (§7.4). One trace in three draws one. Last, from a stream of its own, so that every other trace stays as it was.
    /// </summary>
    void ReadingsTail(int seed)
    {
        var rng = new Random(seed * 104729 + 29);
        int pick = rng.Next(6);
        if (pick >= 2) return;
        ushort c1 = _cpus[rng.Next(_cpus.Count)], c2 = _cpus[rng.Next(_cpus.Count)];
        if (pick == 0)
        {
            ushort dev = _devs[rng.Next(_devs.Count)];
            ulong a = Buf + 8 * (ulong)rng.Next(4);
            int n = 8 * rng.Next(1, 3);
            _b.Store(c1, a, n);
            if (rng.Next(2) == 0) _b.CacheClean(c1, a, n);
            else _b.CacheFlush(c1, a, n);
            _b.Barrier(c1, _barriers[rng.Next(_barriers.Count)].ToString());
            _b.UnlockOp(c1, "L");
            _b.LockOp(c2, "L");
            if (rng.Next(2) == 0) _b.Writel(c2, Reg(dev), 1);
            else _b.MmioWrite(c2, Reg(dev), 4, 1);
            _b.DmaRead(dev, a, n);
            return;
        }
        ulong e = (ulong)rng.Next(2), present = PresentWord(e);
        var payloads = new List<ulong>();
        for (uint o = 0; o + 8 <= _table.EntrySize; o += 8)
            if (o != _table.PresentWordOffset) payloads.Add(EntryBase(e) + o);
        if (payloads.Count == 0) return;
        ulong payload = payloads[rng.Next(payloads.Count)];
        ulong flag = Flag + 8 * (ulong)rng.Next(2);
        _b.DmaWrite(Fetcher, payload, 8, (ulong)rng.Next(1, 1000));
        _b.DmaWrite(Fetcher, flag, 4, 1);
        _b.Load(c1, flag, 4);
        if (rng.Next(3) == 0) _b.Barrier(c1, "dma_rmb");
        _b.Store(c1, present, PresentWordSize, rng.Next(2) == 0 ? 0 : PresentValue);
        ulong from = Math.Min(present, payload), to = Math.Max(present + (ulong)PresentWordSize, payload + 8);
        _b.Load(c1, from, (int)(to - from));
    }
}
