using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// <see cref="EventRules.AuxOk"/> as tables, for the decode loop: the aux kinds (barrier, lock, unlock,
/// take_irq, dev_invalidate, fetch, and the v3 kinds) interleave in a trace, so a switch on the kind
/// mispredicts on most values. Here every check runs for every value, through loads that stay in range,
/// and one predictable branch takes the result.
/// </summary>
sealed class AuxRules
{
    /// <summary>Per kind: aux must be below this (the barrier code space, the lock or agent count, a packed operand's range, 2^32).</summary>
    readonly ulong[] _limit = new ulong[EventKinds.Count];
    /// <summary>Per kind: the bits of aux that name an agent (the low 16 when a treatment or direction sits above).</summary>
    readonly ulong[] _agentMask = new ulong[EventKinds.Count];
    /// <summary>Per kind: the agent bits must be below this (the agent count for packed operands, else no limit).</summary>
    readonly ulong[] _agentLimit = new ulong[EventKinds.Count];
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
        Array.Fill(_agentMask, ulong.MaxValue);
        Array.Fill(_agentLimit, ulong.MaxValue);
        _limit[(int)EventKind.Barrier] = 1UL << 16;
        _limit[(int)EventKind.Lock] = _limit[(int)EventKind.Unlock] = (ulong)c.LockCount;
        foreach (var kind in (ReadOnlySpan<EventKind>)[EventKind.TakeIrq, EventKind.DevInvalidate, EventKind.Quiesce, EventKind.DmaUnmap])
        {
            _limit[(int)kind] = (ulong)c.AgentCount;
            _needsDevice[(int)kind] = 1;
        }
        // device | operand << 16: the operand bounds the whole value, the device the low 16 bits (agents ≤ 4096).
        _limit[(int)EventKind.IommuMode] = ((ulong)IommuTreatment.Abort + 1) << 16;
        _limit[(int)EventKind.DmaMap] = ((ulong)DmaDirection.FromDevice + 1) << 16;
        foreach (var kind in (ReadOnlySpan<EventKind>)[EventKind.IommuMode, EventKind.DmaMap])
        {
            _agentMask[(int)kind] = 0xFFFF;
            _agentLimit[(int)kind] = (ulong)c.AgentCount;
            _needsDevice[(int)kind] = 1;
        }
        _limit[(int)EventKind.FirmwareCall] = _limit[(int)EventKind.FirmwareReturn] = (ulong)FirmwareConduit.Hvc + 1;
        _notDevice = new int[Math.Max(1, c.AgentCount)];
        for (int a = 0; a < c.AgentCount; a++) _notDevice[a] = c.AgentClass[a] == EventContext.DeviceClass ? 0 : 1;
        _lastAgent = _notDevice.Length - 1;
        _barriers = BarrierTable(c.Arch);
        for (int kind = 0; kind < EventKinds.Count; kind++)
            for (int aux = 0; aux < OneByteValues; aux++)
                OneByteOk[kind * OneByteValues + aux] = Ok(kind, (ulong)aux) ? (byte)1 : (byte)0;
        ClassBits = BuildClasses(OneByteOk, KindClass);
    }

    /// <summary>Kinds whose <see cref="OneByteOk"/> rows are the same share a class; <see cref="ClassBits"/> holds this many.</summary>
    public const int OneByteClasses = 8;

    /// <summary>Per decoded kind (64 entries, for a 64-byte lookup): its class, the row of <see cref="ClassBits"/> it checks against.</summary>
    public readonly byte[] KindClass = new byte[64];

    /// <summary>
    /// <see cref="OneByteOk"/> as bits, one row of 128 (16 bytes) per class: bit aux % 8 of byte class × 16 + aux / 8 is
    /// set when aux is valid. 128 bytes, one two-register byte lookup (<see cref="OneByteColumns.Aux"/>); null when the
    /// kinds need more than <see cref="OneByteClasses"/> rows (they need six: barrier, lock, device, firmware, any, none).
    /// </summary>
    public readonly byte[]? ClassBits;

    static byte[]? BuildClasses(byte[] oneByteOk, byte[] kindClass)
    {
        var bits = new byte[OneByteClasses * OneByteValues / 8];
        int classes = 0;
        for (int kind = 0; kind < EventKinds.Count; kind++)
        {
            var row = new byte[OneByteValues / 8];
            for (int aux = 0; aux < OneByteValues; aux++) row[aux >> 3] |= (byte)(oneByteOk[kind * OneByteValues + aux] << (aux & 7));
            int c = 0;
            while (c < classes && !bits.AsSpan(c * row.Length, row.Length).SequenceEqual(row)) c++;
            if (c == classes)
            {
                if (classes == OneByteClasses) return null;
                row.CopyTo(bits, classes++ * row.Length);
            }
            kindClass[kind] = (byte)c;
        }
        return bits;
    }

    /// <summary>Aux values a one-byte varint holds.</summary>
    public const int OneByteValues = 128;

    /// <summary>
    /// <see cref="Ok"/> for aux values below 128, by kind × 128 + aux (1 valid, 0 not): the operands of a driver trace
    /// (barrier codes, lock ids, device ids, granules) nearly all are, and one load answers for them.
    /// </summary>
    public readonly byte[] OneByteOk = new byte[EventKinds.Count * OneByteValues];

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

    /// <summary>
    /// True when <paramref name="aux"/> is a valid operand of <paramref name="kind"/> (0..<see cref="EventKinds.Count"/>-1,
    /// the decoded kind, not the kind byte; the same answer as <see cref="EventRules.AuxOk"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Ok(int kind, ulong aux)
    {
        if ((uint)kind >= EventKinds.Count) return false;
        ulong limit = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_limit), kind);
        ulong agentBits = aux & Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_agentMask), kind);
        int agent = (int)Math.Min(agentBits, (ulong)_lastAgent);
        int code = (int)(aux & 0xFFFF);
        int bad = (aux >= limit ? 1 : 0)
            | (agentBits >= Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_agentLimit), kind) ? 1 : 0)
            | (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_needsDevice), kind) & Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_notDevice), agent))
            | ((kind == (int)EventKind.Barrier ? 1 : 0) & (int)(~(Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_barriers), code >> 6) >> code) & 1));
        return bad == 0;
    }
}
