using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// A FastTrack-style epoch: which agent did an access, at which of its local times, and at which trace
/// index (for related events). Time 0 means "none". Local time is the trace index + 1 (monotone per
/// agent, which is all clocks need), so shadow memory stores an epoch as one <see cref="ulong"/>
/// (<see cref="At"/>: agent and time) and the index comes back as time − 1.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
public readonly record struct Epoch(long Index, uint Time, ushort Agent)
{
    /// <summary>No access.</summary>
    public static readonly Epoch None = default;

    /// <summary>True when this names an access.</summary>
    public bool Exists => Time != 0;

    /// <summary>Agent and time packed: agent in the high 32 bits. 0 for none.</summary>
    public ulong At => Pack(Agent, Time);

    /// <summary>Packs agent and time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pack(int agent, uint time) => ((ulong)agent << 32) | time;

    /// <summary>Rebuilds an epoch from its packed shadow form (the index is time − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Epoch From(ulong at) => new((long)(uint)at - 1, (uint)at, (ushort)(at >> 32));
}
