using System.Runtime.CompilerServices;

namespace TraceTools.Detectors.Writes;

/// <summary>
/// Per region (by index), the devices that DMA-wrote its data bytes, as a detector saw the writes go by: a load
/// elsewhere has no device writer, so a rule over device writers cannot fail there and the walk is skipped; a
/// load of a written region need only ask about those devices. Grows with the highest region index written;
/// answers in one array read.
/// </summary>
sealed class DmaWrittenRegions
{
    // Bit = device agent id mod 64 (a bit stands for every agent of its residue past 64 agents).
    ulong[] _writers = [];

    /// <summary>Notes a DMA write by <paramref name="device"/> to <paramref name="region"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int region, int device)
    {
        if ((uint)region >= (uint)_writers.Length) Array.Resize(ref _writers, Math.Max(region + 1, 2 * _writers.Length));
        _writers[region] |= 1UL << (device & 63);
    }

    /// <summary>True when a DMA write to <paramref name="region"/> was noted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(int region) => (uint)region < (uint)_writers.Length && _writers[region] != 0;

    /// <summary>The devices that wrote <paramref name="region"/> (bit = agent id mod 64); 0 when none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong WritersOf(int region) => (uint)region < (uint)_writers.Length ? _writers[region] : 0;
}
