using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;

namespace TraceTools.Replay.Detection;

/// <summary>
/// What the shadow knows of one byte: its last cpu store and last device write (the later one is its last
/// write), and its cache marks (<see cref="DetectorNeeds.CacheState"/>; 0 otherwise).
/// </summary>
/// <param name="CpuWrite">The last cpu store (none: time 0).</param>
/// <param name="DevWrite">The last device DMA write.</param>
/// <param name="CleanTime">Local time of the first clean or flush of the byte's line by the last cpu writer after its store (0: none).</param>
/// <param name="InvalidatedBy">cpus (bit = agent id mod 64) that invalidated the byte's line hb-after its last device write.</param>
public readonly record struct ByteWrites(Epoch CpuWrite, Epoch DevWrite, uint CleanTime, ulong InvalidatedBy)
{
    /// <summary>True when the byte's last write (any agent) is a cpu store.</summary>
    public bool LastIsCpu => CpuWrite.Time > DevWrite.Time;

    /// <summary>True when the byte's last write (any agent) is a device write.</summary>
    public bool LastIsDevice => DevWrite.Time > CpuWrite.Time;
}

public readonly ref partial struct DetectorView
{
    /// <summary>The trace's cache line size in bytes (docs/model.md §9).</summary>
    public int CacheLineSize => _engine.LineSize;

    /// <summary>The last writes and cache marks of the byte at <paramref name="address"/>, in any region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ByteWrites WritesAt(ulong address)
    {
        ReplayThrow.Unless((_engine.Needs & DetectorNeeds.WriteHistory) != 0, "WriteHistory");
        return _engine.Shadow.WritesAt(address);
    }

    /// <summary>
    /// The next run of [<paramref name="cursor"/>, <paramref name="end"/>) whose bytes, in any region, share
    /// their <see cref="ByteWrites"/> (runs end at shadow pages too); false at the end. Start the cursor at the
    /// range's first byte. A line is one or two runs where <see cref="WritesAt"/> would be 64 lookups.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextWriteRun(ref ulong cursor, ulong end, out ByteWrites writes, out int length)
    {
        ReplayThrow.Unless((_engine.Needs & DetectorNeeds.WriteHistory) != 0, "WriteHistory");
        return _engine.Shadow.NextWriteRun(ref cursor, end, out writes, out length);
    }

    /// <summary>True when <paramref name="address"/> is a data byte (ram, or table payload).</summary>
    public bool IsDataByte(ulong address) => _engine.IsDataByte(address);
}
