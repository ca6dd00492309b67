using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Memory;

namespace TraceTools.Detectors.DmaRace;

/// <summary>One value per <see cref="AccessColumn"/>, stored inline (no array to chase per access).</summary>
[InlineArray(4)]
struct PerColumn<T>
{
    T _first;
}

/// <summary>dma-race's own state for one shadow page: column summaries, and the escalated access sets.</summary>
sealed class RacePage
{
    /// <summary>No data access recorded in a column yet (<see cref="ColumnOwner"/>).</summary>
    public const int NoOwner = -1;
    /// <summary>Several agents' data accesses in a column (<see cref="ColumnOwner"/>).</summary>
    public const int SeveralOwners = -2;

    /// <summary>
    /// Per <see cref="AccessColumn"/>: the one agent whose data accesses the column holds, or
    /// <see cref="NoOwner"/> / <see cref="SeveralOwners"/>. While one agent owns a column, its next access
    /// there dominates the previous ones (po) without scanning the bytes.
    /// </summary>
    public PerColumn<int> ColumnOwner;

    /// <summary>
    /// Per <see cref="AccessColumn"/> with a single <see cref="ColumnOwner"/>: its latest access there, packed
    /// (<see cref="Replay.Memory.Epoch.At"/>). Its times only grow, so when this access is hb-before an agent,
    /// every byte of the column is: the per-byte scan of the column is skipped.
    /// </summary>
    public PerColumn<ulong> ColumnLatest;

    public RacePage() => ((Span<int>)ColumnOwner).Fill(NoOwner);

    /// <summary>Per-agent access sets, created when a column of this page first escalates (rare).</summary>
    public SharedAccesses? Shared;
}

/// <summary><see cref="RacePage"/>s by shadow page number, created on dma-race's first access to the page.</summary>
sealed class RacePages
{
    readonly PageMap<RacePage> _pages = new();

    /// <summary>The state of the page holding <paramref name="run"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RacePage Get(in AccessRun run) => _pages.Get(run.Page);
}
