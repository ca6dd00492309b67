using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Sparse byte-precise shadow memory: 4 KiB <see cref="ShadowPage"/>s allocated on first write, looked up
/// through a <see cref="PageMap{TPage}"/> (accesses are local: recent pages are cached).
/// Lookups that only read (<see cref="Find"/>) never allocate: an untouched page reads as
/// <see cref="ShadowPage.Untouched"/>.
/// </summary>
sealed class ShadowMemory
{
    readonly PageMap<ShadowPage> _pages = new();

    /// <summary>Every allocated page (for rare whole-memory scans such as log compaction).</summary>
    public IEnumerable<ShadowPage> Pages => _pages.Pages;

    /// <summary>Every allocated page in creation order (a page keeps its position: state kept beside the pages is indexed by it).</summary>
    public ReadOnlySpan<ShadowPage> InCreationOrder => _pages.InCreationOrder;

    /// <summary>Pages allocated so far.</summary>
    public int PageCount => _pages.Count;

    /// <summary>The page holding <paramref name="address"/>, created when missing (for writes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ShadowPage Page(ulong address) => _pages.Get(address >> ShadowPage.Shift);

    /// <summary>The page holding <paramref name="address"/> to read, or the shared empty <see cref="ShadowPage.Untouched"/> page when none was created.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ShadowPage Find(ulong address) => _pages.Find(address >> ShadowPage.Shift) ?? ShadowPage.Untouched;
}
