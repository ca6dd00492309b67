using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Replay.Clocks;

/// <summary>
/// Pooled release snapshots. A release stores its clocks once here and every sync byte it wrote refers
/// to it by handle; handles are reference-counted and their slots reused, so memory follows the live
/// releases (at most one per sync byte, lock and interrupt line), never the trace length.
/// Slot layout: the header, then HB, OB for stores, OB for cache maintenance (W components each); HB alone
/// when no selected detector needs the OB clocks (a third of the memory, and of the cache lines a release touches),
/// and no OB for cache maintenance when no cache detector is selected.
/// </summary>
/// <remarks>
/// Slots are cold (a release is read long after it was written, by another agent), so their layout is about
/// cache lines: each slot starts on a 128-byte boundary of a pinned array, its header on its own line and each
/// row of a multiple-of-16 width on whole lines. An acquire then misses on the header line and the HB line next
/// to it (the pair the adjacent-line prefetcher fetches together) instead of on two lines per misaligned row
/// plus a header from a separate array. Reference counts live apart, densely: a store that replaces a byte's
/// release drops a reference without touching the old slot.
/// Once the clocks outgrow a threshold (<see cref="Sharing"/>), a release whose agent's clocks did not change since
/// its latest release still held (but for its own HB component) shares that release's slot: its handle is
/// <c>SharedBit | k</c>, and its stamp, own OB components and count live in a small entry apart. A cpu filling a page
/// table between two acquires then stores its clocks once, not once per entry. Below the threshold nothing is shared
/// and every path is the one of a slot per release (sharing costs the driver mix's nine 5 % when always on).
/// </remarks>
sealed partial class ClockArena
{
    /// <summary>Components per 64-byte cache line.</summary>
    const int Line = 16;
    /// <summary>Slots start on this many components (128 bytes: a pair of lines).</summary>
    const int SlotAlign = 2 * Line;

    readonly int _width, _rows, _stride;
    /// <summary>The most bytes the slots' clocks may take (<see cref="DefaultBudget"/> in a replay).</summary>
    readonly long _budget;
    uint[] _clocks;
    /// <summary>Position in <see cref="_clocks"/> of slot 0 (the first component on a 128-byte boundary).</summary>
    int _origin;
    int[] _refCounts;
    Stamp[] _stamps;
    int[] _free;
    int _freeCount, _used = 1, _capacity; // handle 0 is "none"
    long _serial;

    /// <summary>
    /// Per-release facts besides the clocks and the <see cref="Stamp"/> (which holds the releaser and its time, and so
    /// the releasing event: its trace index is the time − 1): whether a device released, and its own OB components per domain
    /// (of the release that filled the slot: one sharing it keeps its own apart).
    /// </summary>
    public struct Header
    {
        public bool FromDevice;
        public uint OwnStoreInner, OwnStoreOuter, OwnCacheInner, OwnCacheOuter;
        /// <summary>Unique per rent (handles are reused): names this release among all the slot ever held.</summary>
        public long Serial;
    }

    /// <summary>
    /// Who released, and when: kept densely beside the reference counts (8 bytes a handle, not a slot's cold header
    /// line), so an acquire that needs nothing more (its own release, or one its HB already holds) never loads the slot.
    /// </summary>
    public struct Stamp
    {
        /// <summary>The releasing agent.</summary>
        public int Agent;
        /// <summary>Its local time at the release (the releasing event's trace index + 1).</summary>
        public uint Time;
    }

    /// <summary>
    /// An arena of slots of <paramref name="rows"/> rows (1: HB; 2: HB, OB for stores; 3: all three), whose clocks may
    /// take at most <paramref name="budget"/> bytes (past it <see cref="Rent"/> throws a <see cref="ReplayInputException"/>)
    /// and are shared between releases once they take <paramref name="shareAbove"/> bytes.
    /// </summary>
    public ClockArena(int width, int rows = 3, int capacity = 64, long budget = long.MaxValue, long shareAbove = long.MaxValue)
    {
        Debug.Assert(rows is >= 1 and <= 3);
        _width = width;
        _rows = rows;
        _budget = budget;
        _shareAbove = shareAbove;
        Debug.Assert(Unsafe.SizeOf<Header>() <= Line * sizeof(uint), "the header fits its line");
        // The header's line, then the rows, rounded up to the slot alignment.
        _stride = (Line + _rows * width + SlotAlign - 1) / SlotAlign * SlotAlign;
        _capacity = capacity;
        (_clocks, _origin) = Allocate(capacity);
        _refCounts = new int[capacity];
        _stamps = new Stamp[capacity];
        _free = new int[capacity];
        if (Bytes >= _shareAbove) StartSharing();
    }

    /// <summary>A pinned array for <paramref name="slots"/> slots and the position of its first 128-byte boundary.</summary>
    (uint[] Clocks, int Origin) Allocate(int slots)
    {
        // Pinned: the alignment is computed from the address once, so the array must never move.
        var clocks = GC.AllocateArray<uint>(slots * _stride + SlotAlign, pinned: true);
        nint address = AddressOf(clocks);
        int origin = (int)((-address & (SlotAlign * sizeof(uint) - 1)) / sizeof(uint));
        return (clocks, origin);
    }

    static unsafe nint AddressOf(uint[] pinned) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    /// <summary>Slots in use and releases sharing them (for tests: leaks show up here).</summary>
    public int Live => _used - 1 - _freeCount + _sharedLive;

    /// <summary>Slots in use (for tests: shared releases show up here).</summary>
    public int LiveSlots => _used - 1 - _freeCount;

    /// <summary>
    /// The default budget of a replay's arena: a quarter of the memory the runtime may use (the machine's, or its
    /// container's or heap limit), so that growing (the old array and the new one, twice as large, held at once)
    /// stays within three quarters of it.
    /// </summary>
    public static long DefaultBudget => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;

    /// <summary>An old array this large is collected as soon as it is replaced.</summary>
    const long LargeDrop = 256L << 20;

    /// <summary>Bytes the slots' clocks take now (the pinned array).</summary>
    public long Bytes => (long)_clocks.Length * sizeof(uint);

    /// <summary>
    /// Takes a slot with reference count 1; <paramref name="header"/> false leaves its header as it was (no serial,
    /// no line written) for a caller that reads only the stamp and the rows. <paramref name="index"/>, the releasing
    /// event's trace index, names the event when the slots would outgrow the budget.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Rent(bool header = true, long index = -1)
    {
        int h;
        if (_freeCount > 0) h = _free[--_freeCount];
        else
        {
            if (_used == _capacity) Grow(index);
            h = _used++;
        }
        _refCounts[h] = 1;
        if (header) HeaderOf(h) = new Header { Serial = ++_serial };
        return h;
    }

    /// <summary>
    /// Doubles the slots, or takes as many as the budget and the largest array allow; none more: the releases held at
    /// once need more memory than the replay may take (a trace that declares thousands of agents and holds a release in
    /// each of many sync words), a clear error instead of exhausting the machine or overflowing the array's length.
    /// </summary>
    void Grow(long index)
    {
        long most = Math.Min(Array.MaxLength, _budget / sizeof(uint)) - SlotAlign;
        int n = (int)Math.Min(2L * _capacity, most / _stride);
        if (n <= _capacity) ReplayThrow.ReleasesOverBudget(index, LiveSlots, _width, _rows, Bytes, _budget);
        var (clocks, origin) = Allocate(n);
        _clocks.AsSpan(_origin, _capacity * _stride).CopyTo(clocks.AsSpan(origin));
        long dropped = Bytes;
        (_clocks, _origin, _capacity) = (clocks, origin, n);
        // The old array is garbage at once; a large one is collected at once too, or the doublings pile up (pinned
        // arrays wait for a full collection: 13 GB of RSS for a 2.9 GB arena, measured).
        if (dropped >= LargeDrop) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        Array.Resize(ref _refCounts, n);
        Array.Resize(ref _stamps, n);
        Array.Resize(ref _free, n);
        if (Sharing)
        {
            Array.Resize(ref _owner, n);
            Array.Resize(ref _bound, n);
        }
        else if (Bytes >= _shareAbove) StartSharing();
    }

    /// <summary>Position of slot <paramref name="slot"/>'s first component (its header line).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int SlotStart(int slot) => _origin + slot * _stride;

    /// <summary>
    /// Component <paramref name="at"/> of slot <paramref name="slot"/>, unchecked: slots come from
    /// <see cref="Rent"/> (below the capacity, checked there), and the hb stage reads a slot per acquire. (A shared
    /// release's handle is no slot: debug builds fail here on one.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    ref uint At(int slot, int at)
    {
        Debug.Assert((uint)slot < (uint)_capacity && at >= 0 && at + _width <= _stride);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_clocks), (nint)(uint)SlotStart(slot) + at);
    }

    // The slot accessors take a slot: a release in a slot of its own is numbered as it, any release's is SlotOf(handle).

    /// <summary>The header of slot <paramref name="slot"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Header HeaderOf(int slot) => ref Unsafe.As<uint, Header>(ref At(slot, 0));

    /// <summary>The HB row of slot <paramref name="slot"/> (its releaser's own component is that of the release that filled it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<uint> Hb(int slot) => MemoryMarshal.CreateSpan(ref At(slot, Line), _width);
    /// <summary>The OB-for-stores row of slot <paramref name="slot"/> (empty when the arena keeps HB only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<uint> ObStore(int slot) => _rows < 2 ? default : MemoryMarshal.CreateSpan(ref At(slot, Line + _width), _width);
    /// <summary>The OB-for-cache-maintenance row of slot <paramref name="slot"/> (empty unless the arena keeps all three rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<uint> ObCache(int slot) => _rows < 3 ? default : MemoryMarshal.CreateSpan(ref At(slot, Line + 2 * _width), _width);

    /// <summary>The releaser and its time of release <paramref name="handle"/> (written by the releaser after <see cref="Rent"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Stamp StampOf(int handle) => ref IsShared(handle) ? ref _shared[handle & ~SharedBit].Stamp : ref _stamps[handle];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    ref int RefsOf(int handle) => ref IsShared(handle) ? ref _shared[handle & ~SharedBit].Refs : ref _refCounts[handle];

    /// <summary>References held to <paramref name="handle"/> (tests).</summary>
    public int RefCount(int handle) => RefsOf(handle);

    public void AddRef(int handle, int count) => RefsOf(handle) += count;

    /// <summary>
    /// Drops <paramref name="count"/> references; frees the release at zero, and its slot with the last release bound
    /// to it. Handle 0 is ignored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release(int handle, int count = 1)
    {
        if (handle == 0) return;
        if (IsShared(handle))
        {
            ReleaseShared(handle, count);
            return;
        }
        ref int refs = ref _refCounts[handle];
        refs -= count;
        if (refs > 0) return;
        if (Sharing) FreeShareable(handle);
        else _free[_freeCount++] = handle;
    }
}
