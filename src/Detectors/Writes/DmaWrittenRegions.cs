using System.Runtime.CompilerServices;

namespace TraceTools.Detectors.Writes;

/// <summary>
/// The regions (by index) whose data bytes some device DMA-wrote, as a detector saw the writes go by: a load
/// elsewhere has no device writer, so a rule over device writers cannot fail there and the walk is skipped.
/// Grows with the highest region index written; answers in one array read.
/// </summary>
sealed class DmaWrittenRegions
{
    bool[] _written = [];

    /// <summary>Notes a DMA write to <paramref name="region"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int region)
    {
        if ((uint)region >= (uint)_written.Length) Array.Resize(ref _written, Math.Max(region + 1, 2 * _written.Length));
        _written[region] = true;
    }

    /// <summary>True when a DMA write to <paramref name="region"/> was noted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(int region) => (uint)region < (uint)_written.Length && _written[region];
}
