using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Sparse byte-precise shadow memory: 4 KiB pages allocated on first touch, so memory grows with the
/// bytes touched, never with the trace length. The last page is cached: accesses are local.
/// </summary>
sealed class ShadowMemory
{
    readonly Dictionary<ulong, ShadowPage> _pages = [];
    ulong _lastKey = ulong.MaxValue;
    ShadowPage? _lastPage;

    /// <summary>Every allocated page (for rare whole-memory scans such as log compaction).</summary>
    public IEnumerable<ShadowPage> Pages => _pages.Values;

    /// <summary>Pages allocated so far.</summary>
    public int PageCount => _pages.Count;

    /// <summary>The page holding <paramref name="address"/>, created when missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ShadowPage Page(ulong address)
    {
        ulong key = address >> ShadowPage.Shift;
        return key == _lastKey ? _lastPage! : PageSlow(key);
    }

    // Direct-mapped cache of recent pages in front of the dictionary (keys stored +1: 0 = empty).
    readonly ulong[] _cacheKeys = new ulong[256];
    readonly ShadowPage?[] _cachePages = new ShadowPage?[256];

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    ShadowPage PageSlow(ulong key)
    {
        int line = (int)(key & 255);
        ShadowPage? page;
        if (_cacheKeys[line] == key + 1) page = _cachePages[line]!;
        else
        {
            if (!_pages.TryGetValue(key, out page))
            {
                page = new ShadowPage();
                _pages.Add(key, page);
            }
            _cacheKeys[line] = key + 1;
            _cachePages[line] = page;
        }
        _lastKey = key;
        _lastPage = page;
        return page;
    }
}
