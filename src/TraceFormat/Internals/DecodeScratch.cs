namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Per-reader scratch of the column decoder, kept across chunks: the address-delta state and the lists of
/// events that have an entry in each variable-width column (built branch-free in the classify pass).
/// </summary>
sealed class DecodeScratch(int agentCount)
{
    public readonly ulong[] LastAddress = new ulong[Math.Max(1, agentCount) * KindByte.AddressStreams];
    public int[] AddressEvents = [], SizeEvents = [], AuxEvents = [], SiteEvents = [], DataEvents = [];

    /// <summary>Makes every list hold <paramref name="count"/> events.</summary>
    public void Ensure(int count)
    {
        if (AddressEvents.Length >= count) return;
        AddressEvents = new int[count];
        SizeEvents = new int[count];
        AuxEvents = new int[count];
        SiteEvents = new int[count];
        DataEvents = new int[count];
    }
}
