namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Per-reader scratch of the column decoder, kept across chunks: the address-delta state, the lists of
/// events that have an entry in each variable-width column (built branch-free in the classify pass), and
/// the unpacked significant-bytes columns (v2 address deltas, small values).
/// </summary>
sealed class DecodeScratch(int agentCount)
{
    public readonly ulong[] LastAddress = new ulong[Math.Max(1, agentCount) * KindByte.AddressStreams];
    public int[] AddressEvents = [], SizeEvents = [], AuxEvents = [], DataEvents = [];
    /// <summary>Two entries per lengths byte: unpacking writes values in pairs.</summary>
    public ulong[] Deltas = [], Values = [];

    /// <summary>
    /// Makes every list hold <paramref name="count"/> events, and the unpacked columns two values per byte of
    /// their lengths columns (<paramref name="addressLengthBytes"/>, <paramref name="valueLengthBytes"/>).
    /// </summary>
    public void Ensure(int count, int addressLengthBytes, int valueLengthBytes)
    {
        if (Deltas.Length < 2 * addressLengthBytes) Deltas = new ulong[Math.Max(2 * addressLengthBytes, 2 * Deltas.Length)];
        if (Values.Length < 2 * valueLengthBytes) Values = new ulong[Math.Max(2 * valueLengthBytes, 2 * Values.Length)];
        if (AddressEvents.Length >= count) return;
        AddressEvents = new int[count];
        SizeEvents = new int[count];
        AuxEvents = new int[count];
        DataEvents = new int[count];
    }
}
