using System.Runtime.InteropServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// A FastTrack-style epoch: which agent did an access, at which of its local times, and at which trace
/// index (for related events). Time 0 means "none". Packed to 14 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
public readonly record struct Epoch(long Index, uint Time, ushort Agent)
{
    /// <summary>No access.</summary>
    public static readonly Epoch None = default;

    /// <summary>True when this names an access.</summary>
    public bool Exists => Time != 0;
}
