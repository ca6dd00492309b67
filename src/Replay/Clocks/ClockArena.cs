using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Clocks;

/// <summary>
/// Pooled release snapshots. A release stores its facts once here (a header) and every sync byte it wrote refers
/// to it by handle; handles are reference-counted and their slots reused, so memory follows the live
/// releases (at most one per sync byte, lock and interrupt line), never the trace length.
/// </summary>
/// <remarks>
/// The clocks of a release live in a body that several releases of one agent share while its clocks do not
/// change between them (a present-word store and the unlock after it, a tail store and its doorbell's unlock):
/// about half the releases of a driver trace copy no row. So a body holds the releaser's rows with its own HB
/// component as of the body's first release (not later): the releasing event's time is the header's
/// <see cref="Header.Time"/>, which acquirers join in its place (it is at least the body's). Bodies are
/// reference-counted by their headers; a freed body's serial is cleared, so an agent's "my current body" check
/// (<see cref="SerialOf"/>) fails once nobody holds it.
/// Body layout: HB, OB for stores, OB for cache maintenance (W components each); HB alone when no selected
/// detector needs the OB clocks (a third of the memory, and of the cache lines a release touches).
/// </remarks>
sealed class ClockArena
{
    readonly int _width, _rows;
    Header[] _headers;
    int[] _free;
    int _freeCount, _used = 1; // handle 0 is "none"

    uint[] _clocks;
    Body[] _bodies;
    int[] _freeBodies;
    int _freeBodyCount, _bodiesUsed = 1; // body 0 is "none": its rows stay zero
    uint _lastSerial;

    /// <summary>A body's reference count and serial, side by side: a release touches both.</summary>
    struct Body
    {
        public int Refs;
        public uint Serial;
    }

    /// <summary>Per-release facts besides the clocks: the releaser, the releasing event, its own OB components per domain and its clocks' body.</summary>
    public struct Header
    {
        public ushort Agent;
        public bool FromDevice;
        public int RefCount;
        public uint OwnStoreInner, OwnStoreOuter, OwnCacheInner, OwnCacheOuter;
        /// <summary>The releasing event: its local time and trace index (for the edge log).</summary>
        public uint Time;
        public long Index;
        /// <summary>The body holding the release's clock rows (0: none yet, all-zero rows).</summary>
        public int Body;
        /// <summary>That body's serial (<see cref="SerialOf"/>: it stays while this release holds the body).</summary>
        public uint BodySerial;
    }

    public ClockArena(int width, bool ob = true, int capacity = 64)
    {
        _width = width;
        _rows = ob ? 3 : 1;
        _headers = new Header[capacity];
        _free = new int[capacity];
        _clocks = new uint[capacity * _rows * width];
        _bodies = new Body[capacity];
        _freeBodies = new int[capacity];
    }

    /// <summary>Slots in use (for tests: leaks show up here).</summary>
    public int Live => _used - 1 - _freeCount;

    /// <summary>Bodies in use (for tests: leaks show up here, and sharing shows as fewer bodies than releases).</summary>
    public int LiveBodies => _bodiesUsed - 1 - _freeBodyCount;

    /// <summary>Takes a slot with reference count 1 and no body.</summary>
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
        Array.Resize(ref _free, n);
    }

    /// <summary>Takes a new body for release <paramref name="handle"/> (its only reference) and returns it; its rows hold stale values until the caller writes them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int NewBody(int handle)
    {
        int b;
        if (_freeBodyCount > 0) b = _freeBodies[--_freeBodyCount];
        else
        {
            if (_bodiesUsed == _bodies.Length) GrowBodies();
            b = _bodiesUsed++;
        }
        uint serial = ++_lastSerial;
        _bodies[b] = new Body { Refs = 1, Serial = serial };
        ref var h = ref _headers[handle];
        h.Body = b;
        h.BodySerial = serial;
        return b;
    }

    void GrowBodies()
    {
        int n = _bodies.Length * 2;
        Array.Resize(ref _bodies, n);
        Array.Resize(ref _freeBodies, n);
        Array.Resize(ref _clocks, n * _rows * _width);
    }

    /// <summary>Release <paramref name="handle"/> shares <paramref name="body"/> (a live body: its serial was checked).</summary>
    public void ShareBody(int handle, int body)
    {
        ref var b = ref _bodies[body];
        b.Refs++;
        ref var h = ref _headers[handle];
        h.Body = body;
        h.BodySerial = b.Serial;
    }

    /// <summary>The serial of <paramref name="body"/>: unique per body taken, 0 once it is freed.</summary>
    public uint SerialOf(int body) => _bodies[body].Serial;

    public ref Header HeaderOf(int handle) => ref _headers[handle];

    /// <summary>The HB row of a release: the releaser's component is as of the body's first release, at most <see cref="Header.Time"/>.</summary>
    public Span<uint> Hb(int handle) => BodyHb(_headers[handle].Body);
    /// <summary>The OB-for-stores row (empty when the arena keeps HB only).</summary>
    public Span<uint> ObStore(int handle) => BodyObStore(_headers[handle].Body);
    /// <summary>The OB-for-cache-maintenance row (empty when the arena keeps HB only).</summary>
    public Span<uint> ObCache(int handle) => BodyObCache(_headers[handle].Body);

    /// <summary>The HB row of a body.</summary>
    public Span<uint> BodyHb(int body) => _clocks.AsSpan(body * _rows * _width, _width);
    /// <summary>The OB-for-stores row of a body (empty when the arena keeps HB only).</summary>
    public Span<uint> BodyObStore(int body) => _rows == 1 ? default : _clocks.AsSpan((body * 3 + 1) * _width, _width);
    /// <summary>The OB-for-cache-maintenance row of a body (empty when the arena keeps HB only).</summary>
    public Span<uint> BodyObCache(int body) => _rows == 1 ? default : _clocks.AsSpan((body * 3 + 2) * _width, _width);

    public void AddRef(int handle, int count) => _headers[handle].RefCount += count;

    /// <summary>Drops <paramref name="count"/> references; frees the slot at zero, and its body when it was the body's last release. Handle 0 is ignored.</summary>
    public void Release(int handle, int count = 1)
    {
        if (handle == 0) return;
        ref var h = ref _headers[handle];
        h.RefCount -= count;
        if (h.RefCount > 0) return;
        _free[_freeCount++] = handle;
        int b = h.Body;
        if (b == 0) return;
        ref var body = ref _bodies[b];
        if (--body.Refs == 0)
        {
            body.Serial = 0;
            _freeBodies[_freeBodyCount++] = b;
        }
    }
}
