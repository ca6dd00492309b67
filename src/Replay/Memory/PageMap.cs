using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// One <typeparamref name="TPage"/> per shadow page number, created on first touch, so memory grows with the
/// pages touched, never with the trace length. The last hit and a direct-mapped cache of recent pages sit in
/// front of the dictionary: accesses alternate between a few hot pages of different regions, and a
/// dictionary lookup per access run cost ~5% of replay. The shadow memory and dma-race's own page state
/// share it.
/// </summary>
sealed class PageMap<TPage> where TPage : class, new()
{
    const int CacheLines = 256;

    readonly Dictionary<ulong, TPage> _pages = [];
    ulong _lastKey = ulong.MaxValue;
    TPage? _last;
    // Keys stored +1: 0 = empty line (page numbers are addresses >> 12, so +1 never wraps).
    readonly ulong[] _cacheKeys = new ulong[CacheLines];
    readonly TPage?[] _cachePages = new TPage?[CacheLines];

    /// <summary>Every page created so far (for rare whole-memory scans such as log compaction).</summary>
    public IEnumerable<TPage> Pages => _pages.Values;

    /// <summary>Pages created so far.</summary>
    public int Count => _pages.Count;

    /// <summary>The page numbered <paramref name="key"/>, created when missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TPage Get(ulong key) => key == _lastKey ? _last! : GetSlow(key);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    TPage GetSlow(ulong key)
    {
        int line = (int)(key & (CacheLines - 1));
        TPage? page;
        if (_cacheKeys[line] == key + 1) page = _cachePages[line]!;
        else
        {
            if (!_pages.TryGetValue(key, out page))
            {
                page = new TPage();
                _pages.Add(key, page);
            }
            _cacheKeys[line] = key + 1;
            _cachePages[line] = page;
        }
        _lastKey = key;
        _last = page;
        return page;
    }
}
