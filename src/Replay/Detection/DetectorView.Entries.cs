namespace TraceTools.Replay.Detection;

public readonly ref partial struct DetectorView
{
    /// <summary>
    /// The bytes of the entry of the current <see cref="EntryStore"/> before the store (the whole entry); valid only
    /// inside an entry-store hook, for a detector that declares <see cref="DetectorNeeds.EntryValues"/> or a table with used bits.
    /// </summary>
    public ReadOnlySpan<byte> EntryBefore => _engine.EntryBeforeStore;

    /// <summary>The bytes of the entry of the current <see cref="EntryStore"/> after the store (see <see cref="EntryBefore"/>).</summary>
    public ReadOnlySpan<byte> EntryAfter => _engine.EntryAfterStore;

    /// <summary>Which bytes of the entry the current <see cref="EntryStore"/> writes (offset in the entry, length).</summary>
    public (int Offset, int Length) EntryStoreSpan => _engine.EntryStoreSpan;

    /// <summary>
    /// The bytes the current <see cref="EntryStore"/> writes into its entry, those of <see cref="EntryStoreSpan"/>: with
    /// <see cref="ReadEntry"/> of that span, the store's change at the cost of its size, not the entry's.
    /// </summary>
    public ReadOnlySpan<byte> EntryStoreBytes => _engine.EntryStoreBytes;

    /// <summary>
    /// The entry at <paramref name="entryBase"/> as memory holds it at the current event (before it, for a store),
    /// into <paramref name="into"/>: its bytes from <paramref name="entryBase"/>, as many as <paramref name="into"/> holds
    /// (the entry's length, or a granule's from the granule's address). Needs <see cref="DetectorNeeds.EntryValues"/>.
    /// </summary>
    public void ReadEntry(ulong entryBase, Span<byte> into)
    {
        ReplayThrow.Unless((_engine.Needs & DetectorNeeds.EntryValues) != 0, "EntryValues");
        _engine.ReadEntry(entryBase, into);
    }
}
