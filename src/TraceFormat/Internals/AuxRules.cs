using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// <see cref="EventRules.AuxOk"/> as tables, for the decode loop: the aux kinds (barrier, lock, unlock,
/// take_irq, dev_invalidate, fetch) interleave in a trace, so a switch on the kind mispredicts on most
/// values. Here every check runs for every value, through loads that stay in range, and one predictable
/// branch takes the result.
/// </summary>
sealed class AuxRules
{
    /// <summary>Per kind: aux must be below this (the barrier code space, the lock or agent count, 2^32).</summary>
    readonly ulong[] _limit = new ulong[EventKinds.Count];
    /// <summary>Per kind: 1 when aux names an agent that must be a device.</summary>
    readonly int[] _needsDevice = new int[EventKinds.Count];
    /// <summary>Per agent (and one spare for an empty agent list): 1 when it is not a device.</summary>
    readonly int[] _notDevice;
    readonly int _lastAgent;
    /// <summary>Per barrier code: bit set when valid for the trace's arch.</summary>
    readonly ulong[] _barriers;

    static readonly ulong[]?[] BarrierTables = new ulong[]?[Enum.GetValues<Arch>().Length];

    public AuxRules(EventContext c)
    {
        Array.Fill(_limit, 1UL << 32);
        _limit[(int)EventKind.Barrier] = 1UL << 16;
        _limit[(int)EventKind.Lock] = _limit[(int)EventKind.Unlock] = (ulong)c.LockCount;
        _limit[(int)EventKind.TakeIrq] = _limit[(int)EventKind.DevInvalidate] = (ulong)c.AgentCount;
        _needsDevice[(int)EventKind.TakeIrq] = _needsDevice[(int)EventKind.DevInvalidate] = 1;
        _notDevice = new int[Math.Max(1, c.AgentCount)];
        for (int a = 0; a < c.AgentCount; a++) _notDevice[a] = c.AgentClass[a] == EventContext.DeviceClass ? 0 : 1;
        _lastAgent = _notDevice.Length - 1;
        _barriers = BarrierTable(c.Arch);
    }

    /// <summary>The valid barrier codes of <paramref name="arch"/> as a bit set, built once per arch.</summary>
    static ulong[] BarrierTable(Arch arch)
    {
        int k = (int)arch;
        if ((uint)k >= (uint)BarrierTables.Length) return new ulong[1 << 10]; // an arch the reader refused already
        var table = Volatile.Read(ref BarrierTables[k]);
        if (table is not null) return table;
        table = new ulong[1 << 10];
        for (int code = 0; code <= ushort.MaxValue; code++)
            if (new BarrierCode((ushort)code).IsValidFor(arch)) table[code >> 6] |= 1UL << code;
        Volatile.Write(ref BarrierTables[k], table);
        return table;
    }

    /// <summary>True when <paramref name="aux"/> is a valid operand of <paramref name="kind"/> (the same answer as <see cref="EventRules.AuxOk"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Ok(int kind, ulong aux)
    {
        kind &= 0xF;
        ulong limit = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_limit), kind);
        int agent = (int)Math.Min(aux, (ulong)_lastAgent);
        int code = (int)(aux & 0xFFFF);
        int bad = (aux >= limit ? 1 : 0)
            | (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_needsDevice), kind) & Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_notDevice), agent))
            | ((kind == (int)EventKind.Barrier ? 1 : 0) & (int)(~(Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_barriers), code >> 6) >> code) & 1));
        return bad == 0;
    }
}
