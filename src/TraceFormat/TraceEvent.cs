namespace TraceTools.TraceFormat;

/// <summary>
/// One event without its bytes (they travel beside it as a span). Operand meaning per kind is listed on
/// <see cref="EventKind"/>.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Agent">Agent id (index into <see cref="TraceMetadata.Agents"/>).</param>
/// <param name="Address">Byte address, entry base, or 0.</param>
/// <param name="Size">Access size 1..4096, granule size, entry size, or 0.</param>
/// <param name="Aux">Barrier code, lock id, device agent or granule number; 0 otherwise.</param>
/// <param name="Site">Site id (index into <see cref="TraceMetadata.Sites"/>), or -1 for none.</param>
public readonly record struct TraceEvent(EventKind Kind, ushort Agent, ulong Address, int Size, uint Aux = 0, int Site = -1)
{
    /// <summary>Largest access size an event may have.</summary>
    public const int MaxSize = 4096;
}

/// <summary>Receives events in trace order: the trace writer, an in-memory batch, the replay.</summary>
public interface IEventSink
{
    /// <summary>
    /// Appends one event. <paramref name="data"/> is empty or exactly <see cref="TraceEvent.Size"/> bytes:
    /// the bytes written (stores, MMIO and DMA writes) or observed (reads).
    /// </summary>
    void Append(in TraceEvent e, ReadOnlySpan<byte> data);
}
