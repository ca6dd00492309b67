namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Per-reader scratch of the column decoder, kept across chunks: the address-delta state, a block's
/// classification (<see cref="ColumnBits"/>: which events have an entry in each variable-width column, and
/// their address slots), and the unpacked v2/v3 address deltas.
/// </summary>
sealed class DecodeScratch(int agentCount)
{
    /// <summary>
    /// Events per block of the per-column passes (a multiple of 64, the bits of a word): a block's
    /// classification and batch columns stay in a core's L2 cache from one pass to the next, where a whole
    /// chunk's would stream through memory each pass.
    /// </summary>
    public const int BlockEvents = 4096;

    /// <summary>
    /// A spare slot that is never written (reads 0), then per slot s (agent × stream) the previous address at s + 1
    /// (<see cref="SlotAddresses"/> is the view past the spare; the spare first lets the v2 address pass pick it with one or).
    /// </summary>
    public readonly ulong[] LastAddress = new ulong[Math.Max(1, agentCount) * KindByte.AddressStreams + 1];

    /// <summary>Slot s's previous address at index s (the view of <see cref="LastAddress"/> past its spare).</summary>
    public ref ulong SlotAddresses => ref LastAddress[1];

    public readonly ColumnBits Bits = new(BlockEvents);
    /// <summary>Two entries per lengths byte: unpacking writes values in pairs.</summary>
    public ulong[] Deltas = [];

    /// <summary>The chunk's value lengths, one byte each, for <see cref="DataPlacement.PlaceAvx2"/> (8 readable bytes past the last).</summary>
    public byte[] ValueLengths = [];

    /// <summary>Makes the unpacked deltas hold two values per byte of the address lengths column (<paramref name="addressLengthBytes"/>).</summary>
    public void Ensure(int addressLengthBytes)
    {
        if (Deltas.Length < 2 * addressLengthBytes) Deltas = new ulong[Math.Max(2 * addressLengthBytes, 2 * Deltas.Length)];
    }
}
