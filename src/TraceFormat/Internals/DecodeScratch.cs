namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Per-reader scratch of the column decoder, kept across chunks: the address-delta state, the lists of
/// events that have an entry in each variable-width column (built branch-free in the classify pass), and
/// the unpacked significant-bytes columns (v2 address deltas, small values).
/// </summary>
sealed class DecodeScratch(int agentCount)
{
    /// <summary>
    /// Events per block of the per-event passes: a block's lists (4 × 16 KiB) and batch columns stay in a
    /// core's L2 cache from one pass to the next, where a whole chunk's would stream through memory each pass.
    /// </summary>
    public const int BlockEvents = 4096;

    public readonly ulong[] LastAddress = new ulong[Math.Max(1, agentCount) * KindByte.AddressStreams];
    public int[] AddressEvents = [], SizeEvents = [], AuxEvents = [], DataEvents = [];
    /// <summary>Two entries per lengths byte: unpacking writes values in pairs.</summary>
    public ulong[] Deltas = [], Values = [];

    /// <summary>
    /// Makes every list hold a block of events (at most <paramref name="count"/>), and the unpacked columns two values per byte of
    /// their lengths columns (<paramref name="addressLengthBytes"/>, <paramref name="valueLengthBytes"/>).
    /// </summary>
    public void Ensure(int count, int addressLengthBytes, int valueLengthBytes)
    {
        if (Deltas.Length < 2 * addressLengthBytes) Deltas = new ulong[Math.Max(2 * addressLengthBytes, 2 * Deltas.Length)];
        if (Values.Length < 2 * valueLengthBytes) Values = new ulong[Math.Max(2 * valueLengthBytes, 2 * Values.Length)];
        int block = Math.Min(count, BlockEvents);
        if (AddressEvents.Length >= block) return;
        AddressEvents = new int[block];
        SizeEvents = new int[block];
        AuxEvents = new int[block];
        DataEvents = new int[block];
    }
}
