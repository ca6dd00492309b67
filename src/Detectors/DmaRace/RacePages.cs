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

/// <summary>
/// One column of one page on the heap, created at the column's first access: most pages touched see one or two
/// of the four columns (a DMA write and the cpu's load of it), and a column's words are a couple of hundred bytes.
/// </summary>
sealed class RaceColumn
{
    /// <summary>The column's latest access of each byte.</summary>
    public RaceWords Words;
}

/// <summary>dma-race's own state for one 4 KiB page: per column a summary, the latest accesses per word, and the escalated access sets.</summary>
sealed class RacePage
{
    /// <summary>No data access recorded in a column yet (<see cref="ColumnOwner"/>).</summary>
    public const int NoOwner = -1;
    /// <summary>Several agents' data accesses in a column (<see cref="ColumnOwner"/>).</summary>
    public const int SeveralOwners = -2;

    /// <summary>
    /// Per <see cref="AccessColumn"/>: the one agent whose data accesses the column holds, or
    /// <see cref="NoOwner"/> / <see cref="SeveralOwners"/>. While one agent owns a column, its next access
    /// there dominates the previous ones (po) without looking at the words.
    /// </summary>
    public PerColumn<int> ColumnOwner;

    /// <summary>
    /// Per <see cref="AccessColumn"/> with a single <see cref="ColumnOwner"/>: its latest access there, packed
    /// (<see cref="Epoch.At"/>). Its times only grow, so when this access is hb-before an agent,
    /// every byte of the column is: the check of the column's words is skipped.
    /// </summary>
    public PerColumn<ulong> ColumnLatest;

    /// <summary>
    /// Per <see cref="AccessColumn"/>: its words, null while the column has no access (then its
    /// <see cref="ColumnOwner"/> is <see cref="NoOwner"/>, which every reader asks first) and once it escalates
    /// (the <see cref="Shared"/> sets hold it then).
    /// </summary>
    public PerColumn<RaceColumn?> Columns;

    public RacePage() => ((Span<int>)ColumnOwner).Fill(NoOwner);

    /// <summary>Per-agent access sets, created when a column of this page first escalates (rare).</summary>
    public SharedAccesses? Shared;

    /// <summary>The words of <paramref name="column"/>, which has an access and has not escalated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref RaceWords Words(int column) => ref Columns[column]!.Words;

    /// <summary>The words of <paramref name="column"/>, created at its first access.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref RaceWords Open(int column) => ref (Columns[column] ??= new RaceColumn()).Words;

    /// <summary>The columns that hold words, for the memory tests.</summary>
    internal int ColumnsHeld
    {
        get
        {
            int held = 0;
            foreach (var c in Columns) held += c is null ? 0 : 1;
            return held;
        }
    }
}

/// <summary>
/// <see cref="RacePage"/>s by page number (address / <see cref="AccessRun.PageSize"/>), created on dma-race's
/// first access to the page. The last page and a hashed direct-mapped cache sit in front of the dictionary:
/// the driver mix alternates between buffer pages whose numbers differ by multiples of 256 (txbuf, rxbuf),
/// which the shadow's low-bits cache maps onto one line; and a struct line stores the page without the
/// covariance check of a store into a reference array.
/// </summary>
sealed class RacePages
{
    const int LineBits = 10;

    struct Line
    {
        public ulong Key; // page number + 1 (0: empty line)
        public RacePage? Page;
    }

    readonly Dictionary<ulong, RacePage> _pages = [];
    readonly Line[] _lines = new Line[1 << LineBits];
    ulong _lastKey = ulong.MaxValue;
    RacePage? _last;

    /// <summary>Every page's state, for the memory tests.</summary>
    internal IEnumerable<RacePage> All => _pages.Values;

    /// <summary>The state of page <paramref name="page"/>, created when missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RacePage Get(ulong page) => page == _lastKey ? _last! : GetSlow(page);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    RacePage GetSlow(ulong key)
    {
        ref var line = ref _lines[(int)((key * 0x9E3779B97F4A7C15UL) >> (64 - LineBits))];
        if (line.Key != key + 1)
        {
            if (!_pages.TryGetValue(key, out var created))
            {
                created = new RacePage();
                _pages.Add(key, created);
            }
            line.Key = key + 1;
            line.Page = created;
        }
        _lastKey = key;
        return _last = line.Page!;
    }
}
