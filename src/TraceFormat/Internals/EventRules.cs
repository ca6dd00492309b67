using System.Runtime.CompilerServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The facts about a trace's metadata that event validation needs, precomputed once per trace:
/// agent classes for the cpu/device check, counts for the id checks.
/// </summary>
sealed class EventContext
{
    public const byte CpuClass = 1, DeviceClass = 2;

    public readonly Arch Arch;
    public readonly int AgentCount;
    /// <summary>Per agent: <see cref="CpuClass"/> or <see cref="DeviceClass"/>.</summary>
    public readonly byte[] AgentClass;
    public readonly int LockCount;
    public readonly int SiteCount;
    /// <summary>Bytes per agent id in the agents column: 1 up to 256 agents, else 2.</summary>
    public readonly int AgentWidth;
    /// <summary>Format version of the chunks read or written (<see cref="FormatLayout.MinVersion"/>..<see cref="FormatLayout.Version"/>).</summary>
    public readonly int Version;
    /// <summary>The kind-byte table of <see cref="Version"/> (<see cref="KindByte.TableFor"/>).</summary>
    public readonly int[] KindTable;
    /// <summary>The aux checks as tables, built on first use (only readers decode aux columns).</summary>
    public AuxRules AuxRules => _auxRules ??= new AuxRules(this);
    AuxRules? _auxRules;

    public EventContext(TraceMetadata m, int version = FormatLayout.Version)
    {
        Version = version;
        KindTable = KindByte.TableFor(version);
        Arch = m.Arch;
        AgentCount = m.Agents.Count;
        AgentClass = new byte[AgentCount];
        for (int i = 0; i < AgentCount; i++) AgentClass[i] = m.Agents[i].IsCpu ? CpuClass : DeviceClass;
        LockCount = m.Locks.Count;
        SiteCount = m.Sites.Count;
        AgentWidth = AgentCount <= 256 ? 1 : 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsDevice(uint agent) => agent < (uint)AgentCount && AgentClass[agent] == DeviceClass;
}

/// <summary>
/// What a valid event is (the writer refuses, the reader reports): the operand rules of
/// <see cref="EventKind"/>, ids in range, sizes 1..4096, bytes where the kind needs them.
/// </summary>
static class EventRules
{
    /// <summary>The problem with <paramref name="e"/> carrying <paramref name="dataLength"/> bytes, or null.</summary>
    public static string? Check(EventContext c, in TraceEvent e, int dataLength)
    {
        var kind = e.Kind;
        if ((byte)kind >= EventKinds.Count) return $"undefined event kind {(byte)kind}";
        string op = kind.OpName();
        if ((byte)kind >= FormatLayout.KindCount(c.Version))
            return $"{op} (kind {(byte)kind}) needs format version {FormatLayout.ExtendedVersion}; version {c.Version} holds kinds 0..{FormatLayout.KindCount(c.Version) - 1}";
        if (e.Agent >= c.AgentCount) return $"{op} by agent {e.Agent}, but the trace declares {c.AgentCount} agents";
        bool cpu = c.AgentClass[e.Agent] == EventContext.CpuClass;
        if (cpu != kind.IsCpuEvent()) return $"{op} by agent {e.Agent}, which is {(cpu ? "a cpu" : "a device")}";
        if (kind.HasAddress())
        {
            if (kind == EventKind.DevInvalidate && e.Size == 0)
            {
                if (e.Address != 0) return $"dev_invalidate of all entries with address 0x{e.Address:x} (must be 0)";
            }
            else if (e.Size is < 1 or > TraceEvent.MaxSize)
            {
                return $"{op} of size {e.Size} (1..{TraceEvent.MaxSize})";
            }
        }
        else if (e.Address != 0 || e.Size != kind.FixedSize())
        {
            return $"{op} with address 0x{e.Address:x} and size {e.Size} (must be 0 and {kind.FixedSize()})";
        }
        if (!kind.HasAux() && e.Aux != 0) return $"{op} with aux {e.Aux} (must be 0)";
        if (CheckAux(c, kind, e.Aux) is { } aux) return aux;
        if (e.Site < -1 || e.Site >= c.SiteCount) return $"{op} with site {e.Site}, but the trace interns {c.SiteCount} sites";
        if (dataLength != 0 && dataLength != e.Size) return $"{op} of size {e.Size} carrying {dataLength} bytes";
        if (kind.MustCarryData() && dataLength == 0) return $"{op} without its bytes";
        if (dataLength != 0 && !kind.MayCarryData() && !kind.MustCarryData()) return $"{op} carrying bytes";
        return null;
    }

    /// <summary>The problem with the aux operand of a kind that has one, or null.</summary>
    public static string? CheckAux(EventContext c, EventKind kind, uint aux) => kind switch
    {
        EventKind.Barrier when aux > ushort.MaxValue || !new BarrierCode((ushort)aux).IsValidFor(c.Arch) =>
            $"barrier code 0x{aux:x} is not a barrier of arch {c.Arch.Name()}",
        EventKind.Lock or EventKind.Unlock when aux >= (uint)c.LockCount =>
            $"{kind.OpName()} of lock {aux}, but the trace declares {c.LockCount} locks",
        EventKind.TakeIrq or EventKind.DevInvalidate or EventKind.Quiesce or EventKind.DmaUnmap when !c.IsDevice(aux) =>
            $"{kind.OpName()} names agent {aux}, which is not a device",
        EventKind.IommuMode when aux >> 16 > (uint)IommuTreatment.Abort =>
            $"iommu_mode with treatment {aux >> 16} (0 translate, 1 bypass, 2 abort)",
        EventKind.DmaMap when aux >> 16 > (uint)DmaDirection.FromDevice =>
            $"dma_map with direction {aux >> 16} (0 bidirectional, 1 to_device, 2 from_device)",
        EventKind.IommuMode or EventKind.DmaMap when !c.IsDevice(aux & 0xFFFF) =>
            $"{kind.OpName()} names agent {aux & 0xFFFF}, which is not a device",
        EventKind.FirmwareCall or EventKind.FirmwareReturn when aux > (uint)FirmwareConduit.Hvc =>
            $"{kind.OpName()} with conduit {aux} (0 smc, 1 hvc)",
        _ => null,
    };

    /// <summary>
    /// Fast twin of <see cref="Check"/> for the writer: <paramref name="f"/> is the <see cref="KindByte.Table"/>
    /// entry of the event's kind byte (0 when the kind byte is invalid, e.g. a store without bytes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValid(EventContext c, in TraceEvent e, int f, int dataLength)
    {
        if (f == 0 || e.Agent >= c.AgentCount || c.AgentClass[e.Agent] != (f & KindByte.ClassMask)) return false;
        if ((f & KindByte.HasAddress) != 0)
        {
            if ((uint)(e.Size - 1) >= TraceEvent.MaxSize && !(e.Size == 0 && e.Address == 0 && e.Kind == EventKind.DevInvalidate)) return false;
        }
        else if (e.Address != 0 || e.Size != f >> KindByte.FixedSizeShift)
        {
            return false;
        }
        if ((f & KindByte.HasAux) != 0 ? !AuxOk(c, e.Kind, e.Aux) : e.Aux != 0) return false;
        if (e.Site < -1 || e.Site >= c.SiteCount) return false;
        return dataLength == 0 || dataLength == e.Size;
    }

    /// <summary>Fast twin of <see cref="CheckAux"/> for the decode loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AuxOk(EventContext c, EventKind kind, ulong aux)
    {
        if (aux > uint.MaxValue) return false;
        return kind switch
        {
            EventKind.Barrier => aux <= ushort.MaxValue && new BarrierCode((ushort)aux).IsValidFor(c.Arch),
            EventKind.Lock or EventKind.Unlock => aux < (ulong)c.LockCount,
            EventKind.TakeIrq or EventKind.DevInvalidate or EventKind.Quiesce or EventKind.DmaUnmap => c.IsDevice((uint)aux),
            EventKind.IommuMode => aux >> 16 <= (ulong)IommuTreatment.Abort && c.IsDevice((uint)aux & 0xFFFF),
            EventKind.DmaMap => aux >> 16 <= (ulong)DmaDirection.FromDevice && c.IsDevice((uint)aux & 0xFFFF),
            EventKind.FirmwareCall or EventKind.FirmwareReturn => aux <= (ulong)FirmwareConduit.Hvc,
            _ => true,
        };
    }
}
