using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// One <typeparamref name="TPage"/> per shadow page number, created on first touch, so memory grows with the
/// pages touched, never with the trace length. A direct-mapped cache of recent pages sits in front of the
/// dictionary: accesses alternate between a few hot pages of different regions, and a dictionary lookup per
/// access run cost ~5% of replay. The shadow memory and dma-race's own page state share it.
/// </summary>
/// <remarks>
/// The cache is indexed by the page number's low bits (regions are contiguous, so their pages do not
/// collide with each other) and grows with the pages created, up to <see cref="MaxCacheLines"/>: a ring of
/// 256 buffer pages and a second ring 1 MiB above it fell on the same 256 lines and missed on nearly every
/// access (the dictionary then cost ~3% of an all-detector replay). Lines are structs, not a page array: a
/// store into a <typeparamref name="TPage"/>[] from shared generic code pays a covariance check.
/// <see cref="Find"/> looks up without creating, and remembers a miss in its line, so reading untouched
/// memory allocates nothing and costs no dictionary lookup the second time. No "last page" sits in front
/// of the lines: remembering it cost a GC write barrier (a call) whenever the page changed, which reads and
/// writes of different regions do every few accesses, and a hit saved only the line's key compare.
/// </remarks>
sealed class PageMap<TPage> where TPage : class, new()
{
    const int MinCacheLines = 256;
    /// <summary>Largest cache (lines; 16 bytes each).</summary>
    internal const int MaxCacheLines = 4096;

    struct Line
    {
        // Page number + 1: 0 = empty line (page numbers are addresses >> 12, so +1 never wraps).
        public ulong Key;
        // Null with a key: the page is known not to exist (Find's miss).
        public TPage? Page;
    }

    readonly Dictionary<ulong, TPage> _pages = [];
    /// <summary>The pages in creation order: a position per page for state kept beside them, walked without hashing.</summary>
    readonly List<TPage> _created = [];
    Line[] _lines = new Line[MinCacheLines];
    // _lines.Length - 1, kept beside the array reference: the index is masked, so the lookup needs no bounds check.
    int _lineMask = MinCacheLines - 1;

    /// <summary>Every page created so far (for rare whole-memory scans such as log compaction).</summary>
    public IEnumerable<TPage> Pages => _pages.Values;

    /// <summary>Pages created so far.</summary>
    public int Count => _pages.Count;

    /// <summary>Every page created so far, in creation order (a page keeps its position).</summary>
    public ReadOnlySpan<TPage> InCreationOrder => CollectionsMarshal.AsSpan(_created);

    /// <summary>Lines of the direct-mapped cache now (tests).</summary>
    internal int CacheLines => _lines.Length;

    /// <summary>The page numbered <paramref name="key"/>, created when missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TPage Get(ulong key)
    {
        ref var line = ref LineOf(key);
        return line.Key == key + 1 && line.Page is { } page ? page : GetSlow(key);
    }

    /// <summary>The page numbered <paramref name="key"/>, or null when it was never created (nothing is created).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TPage? Find(ulong key)
    {
        ref var line = ref LineOf(key);
        return line.Key == key + 1 ? line.Page : FindSlow(key);
    }

    /// <summary>The cache line of <paramref name="key"/> (masked into the array: unchecked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    ref Line LineOf(ulong key) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_lines), (int)key & _lineMask);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    TPage GetSlow(ulong key)
    {
        if (!_pages.TryGetValue(key, out var page))
        {
            page = new TPage();
            _pages.Add(key, page);
            _created.Add(page);
            if (_pages.Count > _lines.Length && _lines.Length < MaxCacheLines) Grow();
        }
        ref var line = ref LineOf(key);
        line.Key = key + 1;
        line.Page = page;
        return page;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    TPage? FindSlow(ulong key)
    {
        _pages.TryGetValue(key, out var page);
        ref var line = ref LineOf(key);
        line.Key = key + 1;
        line.Page = page;
        return page;
    }

    /// <summary>Doubles the cache (more pages than lines): the old lines move to their new places.</summary>
    void Grow()
    {
        var lines = new Line[_lines.Length * 2];
        foreach (var line in _lines)
            if (line.Key != 0) lines[(int)(line.Key - 1) & (lines.Length - 1)] = line;
        _lines = lines;
        _lineMask = lines.Length - 1;
    }
}
