using TraceTools.Replay.Detection;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Sharding;

/// <summary>
/// One data access as the hb stage hands it to the data shards: what the inline engine hands its data hooks,
/// in 32 bytes (the appends are the hb stage's cost of the split, and the shard reads them from another core).
/// </summary>
readonly struct SkeletonAccess
{
    readonly ulong _address;
    readonly uint _index, _time;
    readonly int _size, _region;
    readonly ushort _agent;
    readonly EventKind _kind;
    readonly byte _hook;

    /// <summary>The clock-version stamp: the row of <see cref="ClockSkeleton.Rows"/> holding the agent's HB as of this access, or -1 when it did not change since the agent's previous access.</summary>
    public readonly int Row;

    public SkeletonAccess(in DataAccess access, DetectorHooks hook, int row)
    {
        // Traces are limited to 2^32 - 1 events (ReplayThrow.TraceTooLong), so an index fits 32 bits.
        _address = access.Address;
        _index = (uint)access.Index;
        _time = access.Time;
        _size = access.Size;
        _region = access.Region;
        _agent = (ushort)access.Agent;
        _kind = access.Kind;
        _hook = (byte)hook;
        Row = row;
    }

    /// <summary>The access, exactly as the engine hands it to its own data hooks.</summary>
    public DataAccess Access => new(_index, _kind, _agent, _time, _address, _size, _region);

    /// <summary>Which data hook it is (Load, Store, DmaRead, DmaWrite): what the shards call and how they record it.</summary>
    public DetectorHooks Hook => (DetectorHooks)_hook;
}

/// <summary>
/// A piece of the hb skeleton (up to <see cref="Capacity"/> accesses of a batch): in trace order, every access the data checks judge, each with its agent's
/// HB row as of that access when it changed since the agent's previous one (rows are logged only when they
/// change). A data shard replays it against a replica of the HB rows and its own shadow, so it needs
/// neither the batch nor the hb state machine. Recycled: the steady state allocates nothing.
/// </summary>
sealed class ClockSkeleton(int width)
{
    /// <summary>
    /// Accesses per skeleton before the hb stage hands it on: 128 KiB of 32-byte <see cref="SkeletonAccess"/>es,
    /// so the pool of skeletons in flight stays in the caches (one per 64 Ki-event batch wrote 3 MiB of cold lines
    /// per batch: the appends stalled on them and cost the hb stage 5% of its time).
    /// </summary>
    public const int Capacity = 4096;

    SkeletonAccess[] _accesses = new SkeletonAccess[Capacity];
    uint[] _rows = new uint[16 * width];
    int _rowCount;

    /// <summary>Clock width (components per row).</summary>
    public int Width { get; } = width;

    /// <summary>Accesses in this skeleton.</summary>
    public int Count { get; private set; }

    /// <summary>Shards that have not consumed it yet (it goes back to the pool at zero).</summary>
    public int Pending;

    /// <summary>The accesses, in trace order (the first <see cref="Count"/>).</summary>
    public ReadOnlySpan<SkeletonAccess> Accesses => _accesses.AsSpan(0, Count);

    /// <summary>The logged HB rows, <see cref="Width"/> components each.</summary>
    public ReadOnlySpan<uint> Rows => _rows.AsSpan(0, _rowCount * Width);

    /// <summary>Empties it for the next batch.</summary>
    public void Reset()
    {
        Count = 0;
        _rowCount = 0;
    }

    /// <summary>Logs a row; returns its stamp.</summary>
    public int AddRow(ReadOnlySpan<uint> row)
    {
        if ((_rowCount + 1) * Width > _rows.Length) Array.Resize(ref _rows, _rows.Length * 2);
        row.CopyTo(_rows.AsSpan(_rowCount * Width, Width));
        return _rowCount++;
    }

    /// <summary>True when it holds <see cref="Capacity"/> accesses.</summary>
    public bool Full => Count >= Capacity;

    /// <summary>Appends an access.</summary>
    public void Add(in DataAccess access, DetectorHooks hook, int row)
    {
        if (Count == _accesses.Length) Array.Resize(ref _accesses, Count * 2);
        _accesses[Count++] = new SkeletonAccess(access, hook, row);
    }
}
