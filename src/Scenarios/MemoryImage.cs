using TraceTools.Scenarios.Internals.Generation;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios;

/// <summary>
/// The memory of a layout's regions as writes leave it, for producers of traces that see a write but not its
/// value (an importer of QEMU logs: plugin API 1 gives no store values). A write without a value gets the
/// scenario language's store pattern (model.md, Decisions: every byte changes, a covered present bit is
/// kept), exactly as <c>gen</c> writes <c>store ADDR size N</c>: the generator's own emitter computes it, so an
/// imported trace and its scenario spelling replay alike. 256-byte blocks are allocated only where something was written.
/// </summary>
public sealed class MemoryImage
{
    readonly EventEmitter _emitter;

    /// <summary>An all-zero image of <paramref name="regions"/> (memory starts as zero).</summary>
    public MemoryImage(IReadOnlyList<RegionInfo> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        _emitter = new EventEmitter([.. regions], Discard.Instance);
    }

    /// <summary>
    /// Applies the next pattern write of <paramref name="size"/> bytes (1..<see cref="TraceEvent.MaxSize"/>) at
    /// <paramref name="address"/>, inside region <paramref name="region"/>, and returns its bytes (valid until
    /// the next call).
    /// </summary>
    public ReadOnlySpan<byte> WritePattern(ulong address, int size, int region)
    {
        var data = _emitter.Pattern(address, size, region);
        Write(address, data, region);
        return data;
    }

    /// <summary>Applies a write whose bytes are known.</summary>
    public void Write(ulong address, ReadOnlySpan<byte> data, int region) =>
        _emitter.Write(new TraceEvent(EventKind.Store, 0, address, data.Length, 0, -1), region, data);

    /// <summary>The emitter's event sink: the image is all this type keeps.</summary>
    sealed class Discard : IEventSink
    {
        public static readonly Discard Instance = new();

        public void Append(in TraceEvent e, ReadOnlySpan<byte> data) { }
    }
}
