using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Detection;

/// <summary>A memory access handed to detectors.</summary>
/// <param name="Index">Trace index.</param>
/// <param name="Kind">Load, Store, DmaRead or DmaWrite.</param>
/// <param name="Agent">The accessing agent.</param>
/// <param name="Time">The agent's local time for this event (1-based).</param>
/// <param name="Address">First byte.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Region">Index of the region in the metadata.</param>
public readonly record struct DataAccess(long Index, EventKind Kind, int Agent, uint Time, ulong Address, int Size, int Region);

/// <summary>A cpu store's or a DMA write's effect on one table entry, computed from the reconstructed bytes.</summary>
/// <param name="Index">Trace index of the store.</param>
/// <param name="Agent">The storing cpu, or the writing device (<paramref name="ByDevice"/>).</param>
/// <param name="Time">Its local time.</param>
/// <param name="Region">Table region index.</param>
/// <param name="EntryBase">Address of the entry's first byte (unique key of the entry).</param>
/// <param name="PresentBefore">Present bit before the store.</param>
/// <param name="PresentAfter">Present bit after the store.</param>
/// <param name="ChangedOther">True when the store changed a bit of the entry other than present.</param>
/// <param name="ChangedGranules">
/// Granules whose bytes changed (bit g; granules from 63 up share bit 63, so it says whether anything
/// changed). The exact set at any entry size is <see cref="DetectorView.ChangedGranuleWords"/>.
/// </param>
/// <param name="ByDevice">
/// True for a device's DMA write: it only ends what a write making E non-present ends (a payload window
/// restarts, a burst ends); it never opens or closes a flush window, joins a burst or tears a fetch.
/// </param>
public readonly record struct EntryStore(
    long Index, int Agent, uint Time, int Region, ulong EntryBase,
    bool PresentBefore, bool PresentAfter, bool ChangedOther, ulong ChangedGranules, bool ByDevice)
{
    /// <summary>True when the store changed any byte of the entry (false: value-neutral).</summary>
    public bool Changed => ChangedGranules != 0;

    /// <summary>
    /// True when the store changed a bit the fetcher uses in the entry before or after it (model.md §8): the
    /// same as <see cref="Changed"/> for a table without used bits.
    /// </summary>
    public bool ChangedUsed { get; init; }

    /// <summary>
    /// True when the store's event is a release: it writes sync bytes, the present word of this entry or of
    /// another entry it spans. Only such a store can be ordered before a
    /// later event by its own edge (<see cref="DetectorView.StoreOrderedBefore"/>); for any other the clocks alone
    /// answer (<see cref="DetectorView.StoresOrderedThrough"/>).
    /// </summary>
    public bool IsRelease { get; init; }

    /// <summary>True when this store cleared present.</summary>
    public bool Clears
    {
        // Inlined: every entry detector asks on every store (native AOT left it a call).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => PresentBefore && !PresentAfter;
    }

    /// <summary>True when this store set present.</summary>
    public bool Sets
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !PresentBefore && PresentAfter;
    }

    /// <summary>
    /// The entry's dense number, the same for every event of the entry (the engine numbers entries once, so each
    /// detector indexes its per-entry state by it instead of looking the entry up). Set by the engine: an event built
    /// elsewhere must set it too (the default, 0, is the first table's first entry).
    /// </summary>
    public int Slot { get; init; }
}

/// <summary>A fetcher's atomic read of one granule of an entry.</summary>
/// <param name="Index">Trace index.</param>
/// <param name="Agent">The fetcher.</param>
/// <param name="Region">Table region index.</param>
/// <param name="EntryBase">Entry address.</param>
/// <param name="Granule">Granule number.</param>
/// <param name="SawPresent">True when this granule covers the present bit and it is set.</param>
public readonly record struct EntryFetch(long Index, int Agent, int Region, ulong EntryBase, uint Granule, bool SawPresent)
{
    /// <summary>
    /// The entry's dense number, the same for every event of the entry (the engine numbers entries once, so each
    /// detector indexes its per-entry state by it instead of looking the entry up). Set by the engine: an event built
    /// elsewhere must set it too (the default, 0, is the first table's first entry).
    /// </summary>
    public int Slot { get; init; }
}

/// <summary>A completed (synchronous) invalidation of an entry, or of every entry, by the table's fetcher.</summary>
/// <param name="Index">Trace index of the dev_invalidate.</param>
/// <param name="Agent">The invalidating cpu.</param>
/// <param name="Time">Its local time.</param>
/// <param name="Device">The device invalidated (the table's fetcher).</param>
/// <param name="Region">Table region index.</param>
/// <param name="EntryBase">Entry address; meaningless when <paramref name="All"/>.</param>
/// <param name="All">True for <c>dev_invalidate DEV all</c>: every entry of the table.</param>
public readonly record struct EntryInvalidation(long Index, int Agent, uint Time, int Device, int Region, ulong EntryBase, bool All)
{
    /// <summary>
    /// The entry's dense number (see <see cref="EntryStore.Slot"/>); meaningless when <see cref="All"/>. A table with a
    /// fixed range of slots gives its entry's slot whether or not an event touched it; an entry of a table numbered on
    /// first touch that no event touched has none: -1 (no detector holds state for it either way).
    /// </summary>
    public int Slot { get; init; }
}
