using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Clocks;

/// <summary>
/// Pooled release snapshots. A release stores its clocks once here and every sync byte it wrote refers
/// to it by handle; handles are reference-counted and their slots reused, so memory follows the live
/// releases (at most one per sync byte, lock and interrupt line), never the trace length.
/// Slot layout: HB, OB for stores, OB for cache maintenance (W components each); HB alone when no selected
/// detector needs the OB clocks (a third of the memory, and of the cache lines a release touches).
/// </summary>
sealed class ClockArena
{
    readonly int _width, _rows;
    uint[] _clocks;
    Header[] _headers;
    int[] _free;
    int _freeCount, _used = 1; // handle 0 is "none"

    /// <summary>Per-release facts besides the clocks: the releaser, the releasing event and its own OB components per domain.</summary>
    public struct Header
    {
        public ushort Agent;
        public bool FromDevice;
        public int RefCount;
        public uint OwnStoreInner, OwnStoreOuter, OwnCacheInner, OwnCacheOuter;
        /// <summary>The releasing event: its local time and trace index (for the edge log).</summary>
        public uint Time;
        public long Index;
    }

    public ClockArena(int width, bool ob = true, int capacity = 64)
    {
        _width = width;
        _rows = ob ? 3 : 1;
        _clocks = new uint[capacity * _rows * width];
        _headers = new Header[capacity];
        _free = new int[capacity];
    }

    /// <summary>Slots in use (for tests: leaks show up here).</summary>
    public int Live => _used - 1 - _freeCount;

    /// <summary>Takes a slot with reference count 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Rent()
    {
        int h;
        if (_freeCount > 0) h = _free[--_freeCount];
        else
        {
            if (_used == _headers.Length) Grow();
            h = _used++;
        }
        _headers[h] = new Header { RefCount = 1 };
        return h;
    }

    void Grow()
    {
        int n = _headers.Length * 2;
        Array.Resize(ref _headers, n);
        Array.Resize(ref _clocks, n * _rows * _width);
        Array.Resize(ref _free, n);
    }

    public ref Header HeaderOf(int handle) => ref _headers[handle];

    public Span<uint> Hb(int handle) => _clocks.AsSpan(handle * _rows * _width, _width);
    /// <summary>The OB-for-stores row (empty when the arena keeps HB only).</summary>
    public Span<uint> ObStore(int handle) => _rows == 1 ? default : _clocks.AsSpan((handle * 3 + 1) * _width, _width);
    /// <summary>The OB-for-cache-maintenance row (empty when the arena keeps HB only).</summary>
    public Span<uint> ObCache(int handle) => _rows == 1 ? default : _clocks.AsSpan((handle * 3 + 2) * _width, _width);

    public void AddRef(int handle, int count) => _headers[handle].RefCount += count;

    /// <summary>Drops <paramref name="count"/> references; frees the slot at zero. Handle 0 is ignored.</summary>
    public void Release(int handle, int count = 1)
    {
        if (handle == 0) return;
        ref var h = ref _headers[handle];
        h.RefCount -= count;
        if (h.RefCount <= 0) _free[_freeCount++] = handle;
    }
}
