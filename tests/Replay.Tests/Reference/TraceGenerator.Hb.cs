namespace TraceTools.Tests.Reference;

/// <summary>
/// Hand-overs between cpus through a lock or an interrupt, judged by what crosses them (docs/model.md §2.5, §2.6,
/// §3): an unlock orders the cpu's earlier stores before it but not its cache maintenance, which still needs a
/// completion barrier; a lock acquires with full order at once (the locker's loads need no read barrier); an
/// interrupt is acquired by the next take_irq only, so a second take of the same raise acquires nothing. Before
/// these steps the random traces drew locks and interrupts mostly as single ops, and an engine whose unlock ordered
/// cache maintenance, whose lock was a plain acquire, or whose take_irq left the raise for the next take, passed.
/// </summary>
public sealed partial class TraceGenerator
{
    void HbHandOff()
    {
        switch (_rng.Next(3))
        {
            case 0: LockPublish(); break;
            case 1: LockForwardsDeviceData(); break;
            default: IrqTakenTwice(); break;
        }
    }

    /// <summary>
    /// A cpu stores a buffer chunk, often cleans or flushes it, maybe a barrier, unlocks; a cpu (another, or the same)
    /// locks and rings a device with a relaxed doorbell, and the device reads the chunk. Whether the store and the
    /// cache maintenance reach the device through the unlock decides stale-dma-read and missing-cache-clean.
    /// </summary>
    void LockPublish()
    {
        ushort c1 = Cpu, c2 = Cpu, d = Dev;
        var (a, n) = BufChunk();
        if (Chance(50)) _b.LockOp(c1, "L");
        _b.Store(c1, a, n, Chance(50) ? Value() : null);
        if (Chance(70))
        {
            if (Chance(50)) _b.CacheClean(c1, a, n);
            else _b.CacheFlush(c1, a, n);
        }
        MaybeBarrier(c1, 30);
        _b.UnlockOp(c1, "L");
        _b.LockOp(c2, "L");
        _b.MmioWrite(c2, Reg(d), 4, 1);
        _b.DmaRead(d, a, n);
        if (Chance(50)) _b.UnlockOp(c2, "L");
    }

    /// <summary>
    /// A device writes a chunk and signals a cpu (flag, interrupt or status read), which maybe barriers and unlocks; a
    /// cpu locks and loads the chunk. The lock acquires at once: no read barrier is needed after it (stale-cpu-read
    /// only where the first cpu's own plain acquire is what the load depends on, i.e. the same cpu).
    /// </summary>
    void LockForwardsDeviceData()
    {
        ushort d = Dev, c1 = Cpu, c2 = Cpu;
        var (a, n) = BufChunk();
        _b.DmaWrite(d, a, n, Chance(50) ? Value() : null);
        switch (_rng.Next(3))
        {
            case 0:
                var (f, fn) = FlagWord();
                _b.DmaWrite(d, f, fn, 1);
                _b.Load(c1, f, fn);
                break;
            case 1:
                _b.RaiseIrq(d);
                _b.TakeIrq(c1, d);
                break;
            default:
                _b.MmioRead(c1, Reg(d), 4);
                break;
        }
        MaybeBarrier(c1, 30);
        _b.UnlockOp(c1, "L");
        _b.LockOp(c2, "L");
        MaybeBarrier(c2, 20);
        _b.Load(c2, a, n);
    }

    /// <summary>
    /// A device writes a chunk and raises its interrupt; one cpu takes it, then another take of that device (sometimes
    /// after a new raise) by a cpu that then stores the chunk: without a raise between, that take acquires nothing and
    /// the store races with the device's write (dma-race).
    /// </summary>
    void IrqTakenTwice()
    {
        ushort d = Dev, c1 = Cpu, c2 = Cpu;
        var (a, n) = BufChunk();
        _b.DmaWrite(d, a, n, Chance(50) ? Value() : null);
        _b.RaiseIrq(d);
        _b.TakeIrq(c1, d);
        if (Chance(25)) _b.RaiseIrq(d);
        _b.TakeIrq(c2, d);
        if (Chance(70)) _b.Store(c2, a, n, Chance(50) ? Value() : null);
        else _b.Load(c2, a, n);
    }
}
