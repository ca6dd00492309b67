namespace TraceTools.Tests.Reference;

/// <summary>
/// The cache-line concern (docs/model.md §9): a declared line size (16 to 128 bytes, so the 64-byte buffer is
/// one to four lines), a noncoherent-style rx buffer sharing its line with a cpu-written counter (stored
/// before the hand-off, after the doorbell, after the device's write or after the completion; cleaned or
/// not), and stores discarded by an invalidation before a load.
/// </summary>
public sealed partial class TraceGenerator
{
    bool _lineChosen;

    void LinesStep()
    {
        if (!_lineChosen)
        {
            _lineChosen = true;
            if (Chance(60)) _b.CacheLineSize = Pick(16, 32, 64, 128);
        }
        if (Chance(55)) SharedRxLine();
        else DiscardingInvalidation();
    }

    /// <summary>The rx buffer is one chunk of buf, the counter another chunk (often in the same line).</summary>
    void SharedRxLine()
    {
        ushort c = Cpu, d = Dev;
        var (rx, n) = BufChunk();
        ulong counter = Buf + Pick(0ul, 8ul, 24ul, 32ul, 48ul, 56ul);
        int when = _rng.Next(5); // 0 before the clean, 1 after the clean, 2 after the doorbell, 3 after the write, 4 after the completion
        if (when == 0) _b.Store(c, counter, 8, Value());
        if (Chance(70)) CleanLines(c, rx, n);
        if (when == 1) _b.Store(c, counter, 8, Value());
        if (Chance(60)) _b.Barrier(c, Pick("wmb", "dma_wmb", "mb"));
        Doorbell(c, d);
        if (when == 2) _b.Store(Cpu, counter, 8, Value());
        _b.DmaWrite(d, rx, n, Chance(50) ? Value() : null);
        if (when == 3) _b.Store(Cpu, counter, 8, Value());
        if (Chance(50)) { _b.RaiseIrq(d); _b.TakeIrq(c, d); }
        else _b.MmioRead(c, Reg(d), 4);
        if (when == 4) _b.Store(c, counter, 8, Value());
        if (Chance(75))
        {
            if (Chance(70)) _b.CacheInval(c, rx, n);
            else _b.CacheFlush(c, rx, n);
        }
        if (Chance(70)) _b.Load(c, rx, n);
        if (Chance(50)) _b.Load(Cpu, counter, 8);
    }

    void CleanLines(ushort c, ulong a, int n)
    {
        if (Chance(80)) _b.CacheClean(c, a, n);
        else _b.CacheFlush(c, a, n);
    }

    /// <summary>A store, maybe a clean or flush, an invalidation of the same or a neighbouring chunk, a load.</summary>
    void DiscardingInvalidation()
    {
        ushort c = Cpu;
        var (a, n) = BufChunk();
        _b.Store(c, a, n, Chance(50) ? Value() : null);
        if (Chance(35)) CleanLines(Cpu, a, n);
        if (Chance(30)) _b.Store(Cpu, Buf + Pick(0ul, 16ul, 40ul), 8, Value());
        var (ia, inN) = Chance(50) ? (a, n) : BufChunk();
        _b.CacheInval(Cpu, ia, inN);
        if (Chance(30)) CleanLines(Cpu, ia, inN);
        _b.Load(Cpu, Chance(70) ? a : Buf + Pick(0ul, 32ul, 48ul), Pick(8, 16));
    }
}
