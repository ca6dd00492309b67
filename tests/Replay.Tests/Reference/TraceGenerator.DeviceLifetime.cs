using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// docs/model.md §11's steps for the random traces: a device's DMA-API life (map, doorbell, DMA, unmap, and DMAs
/// after the unmap or against the direction), and kexec (IOMMU mode, quiesce or not, handover, the device DMAing
/// again with or without a new doorbell). Mapped ranges are the buffer chunks and flag words the other protocols
/// use, so mappings overlap, nest and cover sync bytes too.
/// </summary>
public sealed partial class TraceGenerator
{
    /// <summary>The kinds this part draws (a property: no dependence on the partial files' field order).</summary>
    static EventKind[] DeviceLifetimeKinds => [EventKind.IommuMode, EventKind.Quiesce, EventKind.Handover, EventKind.DmaMap, EventKind.DmaUnmap];

    readonly List<(ulong Addr, int Size, ushort Dev)> _mapped = [];

    void DeviceLifetime()
    {
        switch (_rng.Next(4))
        {
            case 0 or 1: DmaApiRun(); break;
            case 2: KexecRun(); break;
            default: DeviceControlOp(); break;
        }
    }

    DmaDirection Direction() => Pick(DmaDirection.Bidirectional, DmaDirection.ToDevice, DmaDirection.FromDevice);

    (ulong Addr, int Size) MappableRange() => Chance(70) ? BufChunk() : Chance(50) ? FlagWord() : (Buf, 0x40);

    void Map(ushort c, ushort d, ulong a, int n)
    {
        _b.DmaMap(c, a, n, d, Direction());
        _mapped.Add((a, n, d));
    }

    /// <summary>Unmaps a range mapped earlier (sometimes one never mapped for that device: it ends nothing).</summary>
    void Unmap(ushort c)
    {
        if (_mapped.Count == 0 || Chance(15))
        {
            var (a, n) = MappableRange();
            _b.DmaUnmap(c, a, n, Dev);
            return;
        }
        int k = _rng.Next(_mapped.Count);
        var (addr, size, dev) = _mapped[k];
        _mapped.RemoveAt(k);
        _b.DmaUnmap(c, addr, size, dev);
    }

    /// <summary>map → (store) → doorbell → DMA → maybe unmap → maybe the device DMAs again.</summary>
    void DmaApiRun()
    {
        ushort c = Cpu, d = Dev;
        var (a, n) = MappableRange();
        if (Chance(85)) Map(c, d, a, n);
        if (Chance(30)) { var (a2, n2) = MappableRange(); Map(c, d, a2, n2); }
        if (Chance(50)) _b.Store(c, a, n, Chance(50) ? Value() : null);
        MaybeBarrier(c);
        Doorbell(c, d);
        var (ra, rn) = Chance(70) ? (a, n) : MappableRange();
        if (Chance(50)) _b.DmaRead(d, ra, rn); else _b.DmaWrite(d, ra, rn, Chance(50) ? Value() : null);
        if (Chance(50)) { _b.RaiseIrq(d); _b.TakeIrq(c, d); }
        if (Chance(60)) Unmap(c);
        if (Chance(40)) { var (xa, xn) = MappableRange(); if (Chance(50)) _b.DmaRead(d, xa, xn); else _b.DmaWrite(d, xa, xn, Value()); }
    }

    /// <summary>A device running, an IOMMU mode (set again or changed again), a quiesce or not, a handover or not, the device DMAing (maybe after a new doorbell).</summary>
    void KexecRun()
    {
        ushort c = Cpu, d = Dev;
        if (Chance(60)) Doorbell(c, d);
        if (Chance(50)) { var (a, n) = MappableRange(); _b.DmaWrite(d, a, n, Value()); }
        if (Chance(50)) _b.Quiesce(Cpu, d);
        if (Chance(70)) _b.IommuMode(c, d, Pick(IommuTreatment.Translate, IommuTreatment.Bypass, IommuTreatment.Abort));
        // Before the handover, or without one: a register write of the run under way (or of a new run after the
        // quiesce), a DMA under the new mode, the mode set again or changed again.
        if (Chance(30)) Doorbell(Cpu, d);
        if (Chance(35)) { var (a, n) = MappableRange(); _b.DmaWrite(d, a, n, Value()); }
        if (Chance(20)) _b.IommuMode(Cpu, d, Pick(IommuTreatment.Translate, IommuTreatment.Bypass, IommuTreatment.Abort));
        if (Chance(75)) _b.Handover(c);
        if (Chance(30)) Doorbell(Cpu, d);
        if (Chance(20)) _b.Quiesce(Cpu, d);
        var (xa, xn) = MappableRange();
        if (Chance(50)) _b.DmaRead(d, xa, xn); else _b.DmaWrite(d, xa, xn, Chance(50) ? Value() : null);
        if (Chance(40)) _b.Load(c, xa, xn);
    }

    void DeviceControlOp()
    {
        ushort c = Cpu, d = Dev;
        switch (_rng.Next(5))
        {
            case 0: _b.IommuMode(c, d, Pick(IommuTreatment.Translate, IommuTreatment.Bypass, IommuTreatment.Abort)); break;
            case 1: _b.Quiesce(c, d); break;
            case 2: _b.Handover(c); break;
            case 3: { var (a, n) = MappableRange(); Map(c, d, a, n); break; }
            default: Unmap(c); break;
        }
    }
}
