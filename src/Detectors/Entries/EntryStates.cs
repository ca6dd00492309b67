using System.Diagnostics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Detectors.Entries;

/// <summary>
/// Per-entry detector state, created on the first event that touches the entry, in pages of cells indexed by the
/// entry's slot (<see cref="EntryStore.Slot"/>: the engine numbers each entry once for every detector). A struct
/// per entry inline in its page: a store touches the directory line and one line of the page, not an object.
/// </summary>
/// <remarks>
/// <typeparamref name="T"/> is a struct so that each detector's instantiation is its own code (a generic over a
/// class is shared code with a runtime type lookup per call under native AOT). Walks (an invalidation of a whole
/// table, the end of the trace) visit states in the order they were created, so reports made during a walk keep
/// their order.
/// </remarks>
sealed class EntryStates<T> where T : struct
{
    struct Cell
    {
        public T State;
        public bool Made, Armed, Holding;
    }

    /// <summary>Slots per page: a page of cells is allocated when one of its entries is first touched.</summary>
    const int PageBits = 8, PageSize = 1 << PageBits;

    /// <summary>
    /// Pages of cells by slot: two levels, so memory follows the entries touched (a page each), not the highest slot
    /// (a table of 2^16 entries owns fixed slots up to 65,535: one touched entry there must not cost 65,536 cells).
    /// </summary>
    Cell[]?[] _pages = [];
    /// <summary>Every state's slot in creation order.</summary>
    readonly List<int> _created = [];
    /// <summary>Per table, the slots <see cref="Arm"/>ed since the last <see cref="WalkArmed"/> kept them, in arming order.</summary>
    List<int>?[] _armed = [];
    /// <summary>The slots marked by <see cref="Hold"/> since the last <see cref="WalkHolding"/> kept them.</summary>
    readonly List<int> _holding = [];

    /// <summary>The state of the entry in <paramref name="slot"/> of table <paramref name="region"/>, created on first use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Get(int slot, int region)
    {
        var pages = _pages;
        int page = slot >> PageBits;
        if ((uint)page < (uint)pages.Length && pages[page] is { } cells)
        {
            ref var cell = ref cells[slot & (PageSize - 1)];
            if (cell.Made) return ref cell.State;
        }
        return ref Make(slot, region);
    }

    /// <summary>Whether the entry in <paramref name="slot"/> has a state (it was ever touched); a negative slot has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Has(int slot)
    {
        int page = slot >> PageBits; // negative for a negative slot: out of range below
        return (uint)page < (uint)_pages.Length && _pages[page] is { } cells && cells[slot & (PageSize - 1)].Made;
    }

    /// <summary>The state of the entry in <paramref name="slot"/>, which <see cref="Has"/>.</summary>
    public ref T this[int slot]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _pages[slot >> PageBits]![slot & (PageSize - 1)].State;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    ref T Make(int slot, int region)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        int page = slot >> PageBits;
        if ((uint)page >= (uint)_pages.Length) Array.Resize(ref _pages, Math.Max(page + 1, Math.Max(4, 2 * _pages.Length)));
        ref var cell = ref (_pages[page] ??= new Cell[PageSize])[slot & (PageSize - 1)];
        cell.Made = true;
        _created.Add(slot);
        return ref cell.State;
    }

    /// <summary>
    /// Marks the (existing) state of <paramref name="slot"/> in table <paramref name="region"/> as one an invalidation
    /// of the whole table may change (a window or burst under way), so <see cref="WalkArmed"/> visits it; a no-op
    /// when it is armed already.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Arm(int slot, int region)
    {
        ref var cell = ref _pages[slot >> PageBits]![slot & (PageSize - 1)];
        if (!cell.Armed) ArmNew(ref cell, slot, region);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void ArmNew(ref Cell cell, int slot, int region)
    {
        cell.Armed = true;
        if ((uint)region >= (uint)_armed.Length) Array.Resize(ref _armed, region + 1);
        (_armed[region] ??= []).Add(slot);
    }

    /// <summary>
    /// A <c>dev_invalidate all</c> of table <paramref name="region"/> for a detector whose invalidation changes
    /// only armed states and reports nothing: <paramref name="visit"/> sees each armed state in arming order and
    /// says whether it stays armed. So an invalidation costs the windows under way, not every entry ever touched
    /// (65,536 touched entries made each one a walk of 65,536).
    /// </summary>
    public void WalkArmed<TVisit>(int region, ref TVisit visit) where TVisit : IArmedVisit<T>, allows ref struct
    {
        if ((uint)region >= (uint)_armed.Length || _armed[region] is not { } slots) return;
        Walk(slots, ref visit, armed: true);
    }

    /// <summary>
    /// Visits the states of <paramref name="slots"/> in order; one <paramref name="visit"/> declines leaves the list and
    /// loses its mark (<see cref="Cell.Armed"/> when <paramref name="armed"/>, else <see cref="Cell.Holding"/>).
    /// </summary>
    void Walk<TVisit>(List<int> slots, ref TVisit visit, bool armed) where TVisit : IEntryVisit<T>, allows ref struct
    {
        int keep = 0;
        for (int i = 0; i < slots.Count; i++)
        {
            int slot = slots[i];
            ref var cell = ref _pages[slot >> PageBits]![slot & (PageSize - 1)];
            if (visit.Visit(ref cell.State)) slots[keep++] = slot;
            else if (armed) cell.Armed = false;
            else cell.Holding = false;
        }
        slots.RemoveRange(keep, slots.Count - keep);
    }

    /// <summary>
    /// Marks the (existing) state of <paramref name="slot"/> as one that may hold cpu stores the detector can still ask
    /// an ob query about, so <see cref="WalkHolding"/> visits it; a no-op when it is marked already. A detector marks a
    /// state when it starts holding (a window opens, a first payload change or pending store is kept), not at every store.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Hold(int slot)
    {
        ref var cell = ref _pages[slot >> PageBits]![slot & (PageSize - 1)];
        if (!cell.Holding) HoldNew(ref cell, slot);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void HoldNew(ref Cell cell, int slot)
    {
        cell.Holding = true;
        _holding.Add(slot);
    }

    /// <summary>
    /// Edge-log compaction's walk (<see cref="IDetector.AddHeldStores"/>): <paramref name="visit"/> sees each state marked
    /// by <see cref="Hold"/> and says whether it still holds stores; the others leave the list (unmarked), so a later
    /// <see cref="Hold"/> lists them again. A compaction costs the states holding stores and those that stopped since the
    /// last one, not every entry ever touched (262,144 touched entries made every compaction a walk of all of them).
    /// </summary>
    public void WalkHolding<TVisit>(ref TVisit visit) where TVisit : IHeldVisit<T>, allows ref struct => Walk(_holding, ref visit, armed: false);

    /// <summary>States marked as holding stores (tests: the walk follows them, not the entries touched).</summary>
    internal int Holding => _holding.Count;

    /// <summary>Cells allocated (pages of <see cref="PageSize"/> times their count; tests: memory follows the entries touched).</summary>
    internal int CellsAllocated
    {
        get
        {
            int n = 0;
            foreach (var page in _pages) if (page is not null) n += page.Length;
            return n;
        }
    }

    /// <summary>Every touched entry's slot, in creation order.</summary>
    public Selection All => new(_created, -1);

    /// <summary>
    /// The touched entry a targeted invalidation covers (none when it was never touched). An invalidation of every
    /// entry of a table walks the armed states instead (<see cref="WalkArmed"/>).
    /// </summary>
    public Selection Invalidated(in EntryInvalidation invalidation)
    {
        Debug.Assert(!invalidation.All, "dev_invalidate all walks the armed states");
        return new(null, Has(invalidation.Slot) ? invalidation.Slot : -1);
    }

    /// <summary>
    /// Either one slot (or none) or a list of slots: a struct, so <c>foreach</c> over it allocates nothing
    /// (a <c>yield</c> iterator allocated on every invalidation).
    /// </summary>
    public readonly struct Selection(List<int>? slots, int single)
    {
        /// <summary>The enumerator <c>foreach</c> uses.</summary>
        public Enumerator GetEnumerator() => new(slots, single);
    }

    /// <summary>Walks <see cref="Selection"/>: the slots, each for <see cref="this[int]"/>.</summary>
    public struct Enumerator(List<int>? slots, int single)
    {
        int _single = single;
        int _next;
        int _current;

        /// <summary>The current slot.</summary>
        public readonly int Current => _current;

        /// <summary>Advances to the next slot.</summary>
        public bool MoveNext()
        {
            if (slots is null)
            {
                _current = _single;
                _single = -1;
                return _current >= 0;
            }
            if (_next >= slots.Count) return false;
            _current = slots[_next++];
            return true;
        }
    }
}
