using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// Asks the cache for the batch columns of the events a little ahead of the replay. A batch (a 64 Ki-event chunk,
/// about 2 MB of columns) is decoded whole before it is replayed, so its lines have left L1 and L2 by the time
/// the replay reaches them, and the detectors' own accesses keep the hardware prefetcher from hiding that: in the
/// native profile the loads of kind, agent, address, size, aux and data offset were most of
/// <see cref="ReplayEngine.Process"/>'s self time. A hint only: it changes no value, so it has no scalar twin to
/// agree with (where the instruction set has no prefetch it does nothing).
/// </summary>
static class BatchPrefetch
{
    /// <summary>Events between the one replayed and the one whose columns are asked for: far enough for a miss to L3 or memory to land.</summary>
    public const int Ahead = 32;

    /// <summary>Events per call: <see cref="Columns"/> asks for 16 events' lines of every column (two lines of the addresses).</summary>
    public const int Stride = 16;

    /// <summary>
    /// The events of <paramref name="batch"/> whose columns may be asked for: the first <paramref name="count"/>, as
    /// far as every column holds them (a batch built by hand may have short columns; the replay refuses those at the event).
    /// </summary>
    public static int Limit(EventBatch batch, int count) =>
        Math.Min(Math.Min(Math.Min(count, batch.Kinds.Length), Math.Min(batch.Agents.Length, batch.Addresses.Length)),
            Math.Min(Math.Min(batch.Sizes.Length, batch.Aux.Length), batch.DataOffsets.Length));

    /// <summary>
    /// The column lines of event <paramref name="i"/> + <see cref="Ahead"/> and the data bytes of event
    /// <paramref name="i"/> + <see cref="Ahead"/> / 2 (whose offset was asked for one call earlier), when below
    /// <paramref name="limit"/> (from <see cref="Limit"/>). Call for every <see cref="Stride"/>-th event.
    /// </summary>
    /// <remarks>Out of line: inlined, its dozen live values cost the replay loop registers on every event.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe void Columns(EventBatch batch, int i, int limit)
    {
        if (!Sse.IsSupported) return;
        int near = i + Ahead / 2;
        if (near >= limit) return;
        int off = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.DataOffsets), near);
        if ((uint)off < (uint)batch.Data.Length) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Data), off)));
        int far = i + Ahead;
        if (far >= limit) return;
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Kinds), far)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Agents), far)));
        // A raw pointer, not a ref: the second line may lie past the column (a hint never faults; a ref there would
        // be a GC hazard).
        byte* addresses = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Addresses), far));
        Sse.Prefetch0(addresses);
        Sse.Prefetch0(addresses + 64);
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Sizes), far)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.Aux), far)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(batch.DataOffsets), far)));
    }
}
