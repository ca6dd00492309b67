using System.Numerics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.Entries;

/// <summary>
/// Per-entry detector state, created on the first event that touches the entry (memory follows the
/// entries touched, not the table size). Indexed per table by entry number in pages of
/// <see cref="PageSize"/> entries (a table's entries are dense: an array index instead of a hash lookup
/// on every entry store and fetch), the last hit cached: stores and fetches of one entry come in runs.
/// </summary>
/// <remarks>
/// Walks (an invalidation of a whole table, the end of the trace) visit states in the order they were
/// created, as the dictionary this replaced did, so reports made during a walk keep their order.
/// </remarks>
sealed class EntryStates<T> where T : class, new()
{
    /// <summary>Entries per page: 256 references, 2 KiB, allocated when one of its entries is first touched.</summary>
    const int PageBits = 8, PageSize = 1 << PageBits;

    /// <summary>Pages below this number live in a flat directory; higher ones (huge tables, touched far out) in a dictionary.</summary>
    const int DirectPages = 1 << 16;

    /// <summary>One table's states.</summary>
    sealed class Table(RegionInfo region)
    {
        public readonly ulong Base = region.Base, EntrySize = region.EntrySize;
        /// <summary>log2 of the entry size when it is a power of two (the usual case), else -1: divide.</summary>
        public readonly int Shift = BitOperations.IsPow2(region.EntrySize) ? BitOperations.Log2(region.EntrySize) : -1;
        public T?[]?[] Pages = [];
        public Dictionary<ulong, T?[]>? FarPages;
        /// <summary>This table's states in creation order (invalidations of every entry walk these).</summary>
        public readonly List<T> Created = [];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Number(ulong entryBase) => Shift >= 0 ? (entryBase - Base) >> Shift : (entryBase - Base) / EntrySize;
    }

    Table?[] _tables = [];
    /// <summary>Every state in creation order.</summary>
    readonly List<T> _created = [];
    ulong _lastKey = ulong.MaxValue;
    T? _last;

    /// <summary>The state of the entry at <paramref name="entryBase"/> of table <paramref name="region"/>, created on first use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Get(DetectorView view, int region, ulong entryBase) =>
        entryBase == _lastKey ? _last! : Lookup(Known(region) ?? Add(view.Region(region), region), entryBase, create: true)!;

    /// <summary>The state of an entry if it was ever touched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T? Find(DetectorView view, int region, ulong entryBase) =>
        entryBase == _lastKey ? _last : Known(region) is { } table ? Lookup(table, entryBase, create: false) : null;

    /// <summary><see cref="Get(DetectorView, int, ulong)"/> given the table itself (tests: no engine needed).</summary>
    internal T Get(RegionInfo table, int region, ulong entryBase) =>
        entryBase == _lastKey ? _last! : Lookup(Known(region) ?? Add(table, region), entryBase, create: true)!;

    /// <summary><see cref="Find(DetectorView, int, ulong)"/> by table number alone (tests).</summary>
    internal T? Find(int region, ulong entryBase) =>
        entryBase == _lastKey ? _last : Known(region) is { } table ? Lookup(table, entryBase, create: false) : null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    T? Lookup(Table table, ulong entryBase, bool create)
    {
        ulong number = table.Number(entryBase);
        ulong page = number >> PageBits;
        int slot = (int)(number & (PageSize - 1));
        T?[]? states;
        if (page < DirectPages)
        {
            var pages = table.Pages;
            if (page >= (ulong)pages.Length)
            {
                if (!create) return null;
                Array.Resize(ref table.Pages, (int)Math.Min(DirectPages, Math.Max(page + 1, 2 * (ulong)pages.Length)));
                pages = table.Pages;
            }
            states = pages[page];
            if (states is null)
            {
                if (!create) return null;
                states = pages[page] = new T?[PageSize];
            }
        }
        else
        {
            table.FarPages ??= [];
            if (!table.FarPages.TryGetValue(page, out states))
            {
                if (!create) return null;
                table.FarPages.Add(page, states = new T?[PageSize]);
            }
        }
        var state = states[slot];
        if (state is null)
        {
            if (!create) return null;
            state = states[slot] = new T();
            table.Created.Add(state);
            _created.Add(state);
        }
        _lastKey = entryBase;
        _last = state;
        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Table? Known(int region) => (uint)region < (uint)_tables.Length ? _tables[region] : null;

    Table Add(RegionInfo table, int region)
    {
        if ((uint)region >= (uint)_tables.Length) Array.Resize(ref _tables, region + 1);
        return _tables[region] = new Table(table);
    }

    /// <summary>Pages held in the flat directory of <paramref name="region"/> (tests: it grows with the highest entry touched).</summary>
    internal int DirectoryLength(int region) => Known(region)?.Pages.Length ?? 0;

    /// <summary>Every touched entry, in creation order.</summary>
    public Selection All => new(_created, null);

    /// <summary>
    /// The touched entries an invalidation covers: its entry, or with <c>all</c> every touched entry of its
    /// table. The one walk the entry detectors share.
    /// </summary>
    public Selection Invalidated(in EntryInvalidation invalidation) =>
        invalidation.All ? new(Known(invalidation.Region)?.Created, null) : new(null, Find(invalidation.Region, invalidation.EntryBase));

    /// <summary>
    /// Either one state (or none) or a list of states: a struct, so <c>foreach</c> over it allocates nothing
    /// (a <c>yield</c> iterator allocated on every <c>dev_invalidate all</c>).
    /// </summary>
    public readonly struct Selection(List<T>? states, T? single)
    {
        /// <summary>The enumerator <c>foreach</c> uses.</summary>
        public Enumerator GetEnumerator() => new(states, single);
    }

    /// <summary>Walks <see cref="Selection"/>.</summary>
    public struct Enumerator(List<T>? states, T? single)
    {
        T? _single = single;
        int _next;
        T? _current;

        /// <summary>The current state.</summary>
        public readonly T Current => _current!;

        /// <summary>Advances to the next state.</summary>
        public bool MoveNext()
        {
            if (states is null)
            {
                _current = _single;
                _single = null;
                return _current is not null;
            }
            if (_next >= states.Count) return false;
            _current = states[_next++];
            return true;
        }
    }
}
