using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// Fetches the events a report names (triggers and related events) by trace index. Reports touch only a
/// few events, so an implementation may seek in the trace file; <see cref="BatchEventLookup"/> serves a
/// trace held in memory.
/// </summary>
public interface IEventLookup
{
    /// <summary>The event at trace index <paramref name="index"/>.</summary>
    TraceEvent this[long index] { get; }

    /// <summary>The bytes event <paramref name="index"/> carries (empty when none).</summary>
    ReadOnlySpan<byte> GetData(long index);

    /// <summary>
    /// True when event <paramref name="index"/> can be looked up. Every event a finding names always can; the
    /// ladder asks before it shows the barriers between them, which a partial lookup may not hold.
    /// </summary>
    bool Has(long index) => index >= 0;

    /// <summary>
    /// Reads ahead the events at <paramref name="indices"/> (in any order, with repeats), for lookups to come: a
    /// lookup over a trace file reads them in trace order, each chunk once. By default nothing.
    /// </summary>
    void Prefetch(IEnumerable<long> indices) { }

    /// <summary>
    /// The decoded batch that holds event <paramref name="index"/>, for scans over many events (a ladder's evidence
    /// window), or null when this lookup holds events one by one. Valid until the next call on the lookup.
    /// </summary>
    EventBatch? BatchAt(long index) => null;

    /// <summary>Every event <paramref name="findings"/> name: triggers and related events.</summary>
    static IEnumerable<long> NamedBy(IEnumerable<Finding> findings) => findings.SelectMany(f => f.Related.Select(r => r.Index).Prepend(f.Trigger));
}

/// <summary>An <see cref="IEventLookup"/> over an in-memory <see cref="EventBatch"/> holding the events it is asked for.</summary>
/// <param name="batch">The events; trace index i is batch position i - <see cref="EventBatch.FirstIndex"/>.</param>
public sealed class BatchEventLookup(EventBatch batch) : IEventLookup
{
    /// <inheritdoc/>
    public TraceEvent this[long index] => batch[Position(index)];

    /// <inheritdoc/>
    public ReadOnlySpan<byte> GetData(long index) => batch.GetData(Position(index));

    /// <inheritdoc/>
    public bool Has(long index) => index >= batch.FirstIndex && index < batch.FirstIndex + batch.Count;

    /// <inheritdoc/>
    public EventBatch? BatchAt(long index) => Has(index) ? batch : null;

    int Position(long index)
    {
        long p = index - batch.FirstIndex;
        ArgumentOutOfRangeException.ThrowIfNegative(p, nameof(index));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(p, batch.Count, nameof(index));
        return (int)p;
    }
}
