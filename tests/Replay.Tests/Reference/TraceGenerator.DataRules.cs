namespace TraceTools.Tests.Reference;

/// <summary>
/// Byte precision of the data rules (docs/model.md §4 and §9: stale-dma-read, stale-cpu-read, dma-race, the cache
/// rules judge each data byte by its own last write): buffer accesses at any byte offset and of any size, so that
/// they start and end inside words, and pairs that meet exactly (adjacent: no byte in common) or share one edge byte.
/// The other steps touch the buffer in whole aligned words, where a byte mask one byte too wide, a word's first-byte
/// offset applied to the next word, or a word of two agents' parts (a spilled word) read as one cannot change a finding.
/// A store also spans a cache-line edge with only one of its lines cleaned: the two parts of one store then differ in
/// their clean, which whole-line accesses never show.
/// </summary>
public sealed partial class TraceGenerator
{
    const int BufSize = 0x40;

    void DataRulesStep()
    {
        switch (_rng.Next(3))
        {
            case 0: PartialWordAccesses(); break;
            case 1: PartialDeviceWrite(); break;
            default: StoreOverALineEdge(); break;
        }
    }

    /// <summary>A run of buf at any byte offset, 1 to 20 bytes.</summary>
    (ulong Addr, int Size) OddChunk()
    {
        int off = _rng.Next(BufSize), size = _rng.Next(1, Math.Min(20, BufSize - off) + 1);
        return (Buf + (ulong)off, size);
    }

    /// <summary>
    /// A run of buf at an edge of [a, a + n): starting right after it or ending right before it (no byte in common), or
    /// sharing only its last or first byte; clipped to buf.
    /// </summary>
    (ulong Addr, int Size) NextTo(ulong a, int n)
    {
        long size = _rng.Next(1, 13), start = (long)a + _rng.Next(4) switch
        {
            0 => n,
            1 => n - 1,
            2 => -size,
            _ => 1 - size,
        };
        long lo = Math.Max(start, (long)Buf), hi = Math.Min(start + size, (long)Buf + BufSize);
        return hi > lo ? ((ulong)lo, (int)(hi - lo)) : ((ulong)Buf + BufSize - 1, 1);
    }

    /// <summary>
    /// Cpu stores of parts of words (by one cpu or several, unordered: a word of two agents' parts, a column that
    /// escalates), maybe a barrier and a doorbell, a device access at their edge or anywhere, then a cpu access at the
    /// device's edge.
    /// </summary>
    void PartialWordAccesses()
    {
        ushort c = Cpu, d = Dev;
        var (a, n) = OddChunk();
        _b.Store(c, a, n);
        for (int i = _rng.Next(3); i > 0; i--)
        {
            var (s, sn) = NextTo(a, n);
            _b.Store(Cpu, s, sn);
        }
        MaybeBarrier(c);
        if (Chance(60)) Doorbell(c, d);
        var (r, rn) = Chance(60) ? NextTo(a, n) : OddChunk();
        if (Chance(60)) _b.DmaRead(d, r, rn);
        else _b.DmaWrite(d, r, rn);
        if (!Chance(60)) return;
        var (x, xn) = NextTo(r, rn);
        if (Chance(50)) _b.Store(Cpu, x, xn);
        else _b.Load(Cpu, x, xn);
    }

    /// <summary>
    /// A device writes parts of words (maybe a second one at its edge), its completion maybe reaches a cpu, maybe a
    /// barrier and cache maintenance of the bytes at its edge, then a load at its edge or of it.
    /// </summary>
    void PartialDeviceWrite()
    {
        ushort d = Dev, c = Cpu;
        var (a, n) = OddChunk();
        _b.DmaWrite(d, a, n);
        if (Chance(40))
        {
            var (w, wn) = NextTo(a, n);
            _b.DmaWrite(Dev, w, wn);
        }
        if (Chance(60)) { _b.RaiseIrq(d); _b.TakeIrq(c, d); }
        MaybeBarrier(c);
        if (Chance(40))
        {
            var (m, mn) = NextTo(a, n);
            CacheOp(c, m, mn);
        }
        var (l, ln) = Chance(60) ? NextTo(a, n) : (a, n);
        _b.Load(Chance(80) ? c : Cpu, l, ln);
    }

    /// <summary>
    /// A store over a line edge of buf (lines of 16 or 32 bytes when the trace has not chosen its size yet), a clean of
    /// one of its lines or both, maybe a completion barrier, then a doorbell and a device read of the store; or an
    /// invalidation of one of its lines and a load of the store.
    /// </summary>
    void StoreOverALineEdge()
    {
        if (!_lineChosen)
        {
            _lineChosen = true;
            if (Chance(70)) _b.CacheLineSize = Pick(16, 32);
        }
        int line = _b.CacheLineSize == 0 ? 64 : _b.CacheLineSize;
        ushort c = Cpu, d = Dev;
        ulong edge = line >= BufSize ? Buf + (ulong)_rng.Next(1, BufSize) : Buf + (ulong)(line * _rng.Next(1, BufSize / line));
        int before = _rng.Next(1, (int)Math.Min(12, edge - Buf) + 1), after = _rng.Next(1, (int)Math.Min(12, Buf + BufSize - edge) + 1);
        ulong a = edge - (ulong)before;
        int n = before + after;
        _b.Store(c, a, n);
        var (m, mn) = _rng.Next(3) switch { 0 => (a, before), 1 => (edge, after), _ => (a, n) };
        if (Chance(70))
        {
            CleanLines(Chance(85) ? c : Cpu, m, mn);
            if (Chance(70)) _b.Barrier(c, Pick("wmb", "dma_wmb", "mb"));
            Doorbell(c, d);
            _b.DmaRead(d, a, n);
        }
        else
        {
            _b.CacheInval(Cpu, m, mn);
            _b.Load(Cpu, a, n);
        }
    }
}
