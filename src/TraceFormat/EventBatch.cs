using System.Runtime.CompilerServices;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

/// <summary>
/// A run of consecutive events in struct-of-arrays form: the shape the reader decodes into and the
/// replay walks. Reused across batches: <see cref="Reset"/> keeps the arrays, so the steady state
/// allocates nothing. Columns are valid for indices 0..<see cref="Count"/>-1.
/// </summary>
public sealed class EventBatch : IEventSink
{
    /// <summary>Trace index of the batch's first event.</summary>
    public long FirstIndex { get; private set; }
    /// <summary>Number of events held.</summary>
    public int Count { get; private set; }

    /// <summary>Event kinds.</summary>
    public EventKind[] Kinds = [];
    /// <summary>Agent ids.</summary>
    public ushort[] Agents = [];
    /// <summary>Addresses (see <see cref="EventKind"/> for per-kind meaning).</summary>
    public ulong[] Addresses = [];
    /// <summary>Sizes.</summary>
    public int[] Sizes = [];
    /// <summary>Aux operands (barrier code, lock id, device, granule).</summary>
    public uint[] Aux = [];
    /// <summary>
    /// Site ids, -1 for none. A batch the reader filled decodes them from the chunk on first read (replay
    /// never needs them; reports look up a few): a malformed site column throws
    /// <see cref="TraceFormatException"/> here, with the chunk and byte offset.
    /// </summary>
    public int[] Sites
    {
        get
        {
            if (PendingSites.IsPending) PendingSites.DecodeInto(_sites);
            return _sites;
        }
    }

    int[] _sites = [];
    internal readonly PendingSites PendingSites = new();
    /// <summary>Offset of each event's bytes in <see cref="Data"/>, or -1 when it carries none.</summary>
    public int[] DataOffsets = [];
    /// <summary>
    /// The bytes of the events that carry bytes, at <see cref="DataOffsets"/>: back to back when appended; when the
    /// reader filled the batch, the chunk's decoded payload (bytes longer than 8 where its data column has them,
    /// small values in 8-byte slots after it). The reader decodes each chunk into the buffer of the batch it fills
    /// (grown when the chunk needs more), so the batch's bytes stay valid until the batch is filled again.
    /// </summary>
    public byte[] Data = [];
    /// <summary>Bytes used in <see cref="Data"/>: every event's bytes lie below it.</summary>
    public int DataLength { get; private set; }

    /// <summary>Creates an empty batch with room for <paramref name="capacity"/> events.</summary>
    public EventBatch(int capacity = 4096) => EnsureCapacity(capacity, capacity * 8);

    /// <summary>Empties the batch and sets the trace index its next event will have.</summary>
    public void Reset(long firstIndex)
    {
        FirstIndex = firstIndex;
        Count = 0;
        DataLength = 0;
        PendingSites.Drop();
    }

    /// <summary>Grows the columns so that <paramref name="events"/> events and <paramref name="dataBytes"/> bytes fit.</summary>
    public void EnsureCapacity(int events, int dataBytes)
    {
        if (Kinds.Length < events)
        {
            int n = Math.Max(events, Kinds.Length * 2);
            Array.Resize(ref Kinds, n);
            Array.Resize(ref Agents, n);
            Array.Resize(ref Addresses, n);
            Array.Resize(ref Sizes, n);
            Array.Resize(ref Aux, n);
            Array.Resize(ref _sites, n);
            Array.Resize(ref DataOffsets, n);
        }
        if (Data.Length < dataBytes) Array.Resize(ref Data, Math.Max(dataBytes, Data.Length * 2));
    }

    /// <summary>
    /// Sets <see cref="Count"/> and <see cref="DataLength"/> after a decoder filled the columns directly.
    /// </summary>
    public void SetFilled(long firstIndex, int count, int dataLength)
    {
        FirstIndex = firstIndex;
        Count = count;
        DataLength = dataLength;
        PendingSites.Drop();
    }

    /// <inheritdoc/>
    public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
    {
        int i = Count;
        if (i == Kinds.Length || DataLength + data.Length > Data.Length)
            EnsureCapacity(i + 1, DataLength + data.Length);
        Kinds[i] = e.Kind;
        Agents[i] = e.Agent;
        Addresses[i] = e.Address;
        Sizes[i] = e.Size;
        Aux[i] = e.Aux;
        _sites[i] = e.Site;
        if (data.IsEmpty)
        {
            DataOffsets[i] = -1;
        }
        else
        {
            DataOffsets[i] = DataLength;
            data.CopyTo(Data.AsSpan(DataLength));
            DataLength += data.Length;
        }
        Count = i + 1;
    }

    /// <summary>
    /// Appends the events of <paramref name="from"/>, which must follow this batch's last event in the trace: their
    /// columns and bytes (the offsets moved past this batch's bytes, rounded up to 8 so 8-byte slots stay aligned).
    /// Their sites are not kept (they read -1), nor the sites of a batch the reader filled (its events read -1 too):
    /// decoding them would read the site columns, which replay never does (a malformed one fails only a report's
    /// lookup), and a pending column lies in the data buffer the appended bytes overwrite. For a replay that merges
    /// small chunks into one batch.
    /// </summary>
    public void AppendColumns(EventBatch from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (from.FirstIndex != FirstIndex + Count)
            FormatThrow.Argument($"the appended batch starts at event #{from.FirstIndex}, not #{FirstIndex + Count} after this one", nameof(from));
        int at = Count, n = from.Count;
        int dataAt = (DataLength + 7) & ~7;
        EnsureCapacity(at + n, dataAt + from.DataLength);
        if (PendingSites.IsPending)
        {
            PendingSites.Drop();
            _sites.AsSpan(0, at).Fill(-1);
        }
        from.Kinds.AsSpan(0, n).CopyTo(Kinds.AsSpan(at));
        from.Agents.AsSpan(0, n).CopyTo(Agents.AsSpan(at));
        from.Addresses.AsSpan(0, n).CopyTo(Addresses.AsSpan(at));
        from.Sizes.AsSpan(0, n).CopyTo(Sizes.AsSpan(at));
        from.Aux.AsSpan(0, n).CopyTo(Aux.AsSpan(at));
        _sites.AsSpan(at, n).Fill(-1);
        var offsets = DataOffsets.AsSpan(at, n);
        from.DataOffsets.AsSpan(0, n).CopyTo(offsets);
        for (int i = 0; i < offsets.Length; i++) if (offsets[i] >= 0) offsets[i] += dataAt;
        from.Data.AsSpan(0, from.DataLength).CopyTo(Data.AsSpan(dataAt));
        Count = at + n;
        DataLength = dataAt + from.DataLength;
    }

    /// <summary>The event at batch position <paramref name="i"/> (without its bytes).</summary>
    public TraceEvent this[int i]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Kinds[i], Agents[i], Addresses[i], Sizes[i], Aux[i], Sites[i]);
    }

    /// <summary>True when the event at <paramref name="i"/> carries bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasData(int i) => DataOffsets[i] >= 0;

    /// <summary>The bytes of event <paramref name="i"/>, empty when it carries none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> GetData(int i)
    {
        int off = DataOffsets[i];
        return off < 0 ? default : Data.AsSpan(off, Sizes[i]);
    }
}
