using TraceTools.Scenarios.Internals.Expressions;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Program;

/// <summary>An address operand: <c>NAME</c>, <c>NAME + EXPR</c>, <c>TABLE[EXPR]</c> or <c>TABLE[EXPR] + EXPR</c>.</summary>
sealed class AddressOperand(int region, Expr? entry, Expr? offset, SourcePos pos)
{
    /// <summary>Index of the named region (the base).</summary>
    public readonly int Region = region;
    /// <summary>Entry index for <c>TABLE[EXPR]</c>, else null.</summary>
    public readonly Expr? Entry = entry;
    /// <summary>The added expression, else null.</summary>
    public readonly Expr? Offset = offset;
    /// <summary>The position of the region name: address errors point here.</summary>
    public readonly SourcePos Pos = pos;

    public bool IsConstant => (Entry is null || Entry.IsConstant) && (Offset is null || Offset.IsConstant);

    public void CollectSlots(HashSet<int> slots)
    {
        Entry?.CollectSlots(slots);
        Offset?.CollectSlots(slots);
    }
}

/// <summary>
/// <see cref="Event"/> emits an event; <see cref="Loop"/> is a <c>repeat</c>; <see cref="Check"/> validates an access
/// that has no event (a <c>dma_sync_*</c> for a coherent device) when its operands read loop variables.
/// </summary>
enum StepOp : byte { Event, Loop, Check }

/// <summary>
/// One pre-resolved instruction of the flat program: an event to emit or a <c>repeat</c> whose body is the
/// steps up to <see cref="BodyEnd"/>. Steps whose operands are all constant are validated and resolved
/// at compile time (<see cref="IsResolved"/>): the generator then only copies their fields.
/// </summary>
sealed class Step
{
    public StepOp Op;
    public SourcePos Pos;

    // repeat
    public Expr? Count;
    public int Slot;
    public int BodyEnd;
    /// <summary>True when a nested repeat count reads this loop's variable (CountEvents must walk it).</summary>
    public bool BodyCountVaries;
    /// <summary>The loop variable's name: an error inside the body names the iteration by it.</summary>
    public string? VarName;

    // event operands
    public EventKind Kind;
    public ushort Agent;
    public int Site = -1;
    public uint Aux;
    public AddressOperand? Address;
    public Expr? Size;
    public Expr? Value;
    public byte[]? Bytes;
    public SourcePos BytesPos;
    public Expr? Granule;
    /// <summary>smc/hvc/ret: x0..x17 (null = not written: 0, or the call's value with <see cref="SameAsCall"/>).</summary>
    public Expr?[]? Registers;
    /// <summary><c>ret same</c>: unwritten registers keep their values at the call.</summary>
    public bool SameAsCall;
    /// <summary>smc/hvc/ret: the cpu's name, for the errors of a ret with no open call and of a call nested too deep.</summary>
    public string? AgentName;
    /// <summary>The size when it is constant (and in range), else 0.</summary>
    public int ConstSize;
    /// <summary>True when the op may touch the region its address is written against.</summary>
    public bool BaseRegionAllowed;

    // resolved when IsResolved
    public bool IsResolved;
    public ulong ResolvedAddress;
    public int ResolvedSize;
    public int ResolvedRegion = -1;
    /// <summary>For writes whose value is constant: the bytes, ready to copy.</summary>
    public byte[]? ResolvedData;
    /// <summary>The whole event, when resolved and carrying no bytes: the generator appends it as is.</summary>
    public TraceEvent ResolvedEvent;
    /// <summary>True when <see cref="ResolvedEvent"/> is the event and it carries no bytes.</summary>
    public bool IsFixedEvent;

    /// <summary>
    /// Drops the operand trees of a resolved step: the generator reads its resolved fields, and a scenario of
    /// 10^6 steps held an address operand and two or three constant nodes each (about 136 to 176 bytes a step)
    /// only for the compile to read them once. A value that reads a loop variable stays: it is evaluated per event.
    /// </summary>
    public void ReleaseResolvedOperands()
    {
        Address = null;
        Size = null;
        Granule = null;
        if (ResolvedData is null) return;
        Value = null;
        Bytes = null;
    }
}
