using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>store_release, load_acquire and xchg in the random traces (docs/model.md §10).</summary>
public sealed partial class TraceGenerator
{
    /// <summary>The kinds this part draws (a property: the static fields of the other part may initialize first).</summary>
    static EventKind[] AcquireReleaseKinds => [EventKind.StoreRelease, EventKind.LoadAcquire, EventKind.Xchg];

    /// <summary>A ram word the buffer chunks never touch: a flag in ram, where only the release/acquire pair synchronizes.</summary>
    const ulong RamFlag = Buf + 0x38;

    void AcquireReleaseStep()
    {
        switch (_rng.Next(4))
        {
            case 0 or 1: AtomicHandOff(); break;
            case 2: ForwardedCompletion(); break;
            default: SingleAtomic(); break;
        }
    }

    /// <summary>How a flag is written: store_release, xchg or a plain store.</summary>
    void WriteFlag(ushort cpu, ulong addr, int size, ulong value)
    {
        switch (_rng.Next(3))
        {
            case 0: _b.StoreRelease(cpu, addr, size, value); break;
            case 1: _b.Xchg(cpu, addr, size, value); break;
            default: _b.Store(cpu, addr, size, value); break;
        }
    }

    /// <summary>How a flag is read: load_acquire, xchg or a plain load.</summary>
    void ReadFlag(ushort cpu, ulong addr, int size)
    {
        switch (_rng.Next(3))
        {
            case 0: _b.LoadAcquire(cpu, addr, size); break;
            case 1: _b.Xchg(cpu, addr, size, 0); break;
            default: _b.Load(cpu, addr, size); break;
        }
    }

    /// <summary>A cpu fills the buffer (or an entry's payload) and hands it over on a sync or ram flag; the reader rings a device, stores, or reads.</summary>
    void AtomicHandOff()
    {
        ushort c = Cpu;
        ushort other = _cpus.Count > 1 && Chance(80) ? OtherCpu(c) : c;
        var (a, n) = BufChunk();
        if (Chance(70)) _b.Store(c, a, n, Chance(50) ? Value() : null);
        else _b.Store(c, PayloadWord(Pick(0ul, 1ul)), 8, Value());
        MaybeBarrier(c, 25);
        var (f, fn) = Chance(35) ? (RamFlag, 8) : FlagWord();
        WriteFlag(c, f, fn, (ulong)_rng.Next(1, 4));
        if (Chance(20)) _b.Store(Cpu, f, fn, 7); // overwritten before it is read
        ReadFlag(other, f, fn);
        MaybeBarrier(other, 25);
        switch (_rng.Next(4))
        {
            case 0:
                ushort d = Dev;
                Doorbell(other, d);
                _b.DmaRead(d, Buf + Pick(0ul, 8ul, 16ul), Pick(8, 16));
                break;
            case 1:
                ulong e = Pick(0ul, 1ul);
                _b.Store(other, PresentWord(e), PresentWordSize, PresentValue);
                if (Chance(60)) FetchRun(e);
                break;
            case 2:
                _b.DmaRead(Dev, f, fn);       // a device reads the flag itself
                _b.DmaRead(Dev, a, n);
                break;
            default:
                _b.Load(other, a, n);
                break;
        }
    }

    /// <summary>A device completes; one cpu reads the completion and forwards it to another, which reads the data.</summary>
    void ForwardedCompletion()
    {
        ushort d = Dev, c = Cpu;
        var (a, n) = BufChunk();
        _b.DmaWrite(d, a, n, Chance(50) ? Value() : null);
        var (f, fn) = FlagWord();
        _b.DmaWrite(d, f, fn, 1);
        ReadFlag(c, f, fn);
        MaybeBarrier(c, 50);
        ushort other = OtherCpu(c);
        var (g, gn) = Chance(40) ? (RamFlag, 8) : (f ^ 8, fn);
        WriteFlag(c, g, gn, 2);
        ReadFlag(other, g, gn);
        MaybeBarrier(other, 30);
        _b.Load(other, a, n);
    }

    /// <summary>One store_release, load_acquire or xchg on the buffer, a flag, the ram flag or an entry word.</summary>
    void SingleAtomic()
    {
        ushort c = Cpu;
        ulong e = Pick(0ul, 1ul);
        var (addr, size) = _rng.Next(4) switch
        {
            0 => BufChunk(),
            1 => FlagWord(),
            2 => (RamFlag, 8),
            _ => Chance(50) ? (PresentWord(e), PresentWordSize) : (PayloadWord(e), 8),
        };
        switch (_rng.Next(3))
        {
            case 0: _b.StoreRelease(c, addr, size, Chance(50) && addr == PresentWord(e) ? PresentValue : Value()); break;
            case 1: _b.LoadAcquire(c, addr, size); break;
            default: _b.Xchg(c, addr, size, Value()); break;
        }
    }
}
