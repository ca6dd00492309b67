namespace TraceTools.Tests.Reference;

/// <summary>
/// The page columns' blocks (docs/replay-engine.md "Shadow memory"): sync bytes written at scattered words of a page and
/// table payload written far apart in a large entry, so that a page's release handles and table values are held in
/// blocks (and, past <c>PageColumn.MaxBlocks</c> of them, as the whole page), and accesses that span several blocks:
/// wide loads and DMA reads acquire from several blocks' handles, wide stores publish into several, a wide store into an
/// entry's payload reads and writes its values block by block; data accesses between them make every hand-off through a
/// block count. The small flag block never shows them.
/// </summary>
public sealed partial class TraceGenerator
{
    /// <summary>Base of the two-page sync region the column steps declare.</summary>
    public const ulong SyncPages = 0x20_0000;

    /// <summary>
    /// One trace in three ends with these steps, drawn from a stream of their own (so every other step's events, and
    /// every trace's prefix, stay as they were).
    /// </summary>
    void ColumnsTail(int seed)
    {
        var rng = new Random(seed * 7919 + 17);
        if (rng.Next(3) != 0) return;
        const int span = 2 * PageBytes;
        _b.Sync("spread", SyncPages, span);
        int steps = rng.Next(4, 40);
        for (int s = 0; s < steps; s++)
        {
            ushort cpu = _cpus[rng.Next(_cpus.Count)], dev = _devs[rng.Next(_devs.Count)];
            // A word anywhere on the two pages, or one of a few: scattered words make blocks, many take the page.
            ulong word = SyncPages + 8 * (ulong)(rng.Next(2) == 0 ? rng.Next(span / 8) : rng.Next(4) * 61);
            int wide = rng.Next(65, 700);
            ulong wideAt = SyncPages + (ulong)rng.Next(span - wide);
            ulong data = Buf + 8 * (ulong)rng.Next(4);
            switch (rng.Next(10))
            {
                // Data bytes between the hand-offs, so that an acquire lost from a block is a race or a stale read found.
                case 7: _b.Store(cpu, data, 8, (ulong)rng.Next(1, 1000)); break;
                case 8: _b.DmaWrite(dev, data, 8, (ulong)rng.Next(1, 1000)); break;
                case 9: if (rng.Next(2) == 0) _b.Load(cpu, data, 8); else _b.DmaRead(dev, data, 8); break;
                case 0 or 1: _b.Store(cpu, word, rng.Next(2) == 0 ? 8 : 4, (ulong)rng.Next(1, 1000)); break;
                case 2: _b.DmaWrite(dev, word, 8, (ulong)rng.Next(1, 1000)); break;
                case 3: _b.Store(cpu, wideAt, wide); break;
                case 4: _b.Load(cpu, wideAt, wide); break;
                case 5: _b.DmaRead(dev, wideAt, wide); break;
                default: if (_table.EntrySize >= 512) EntryPayloadSpread(rng, cpu); else _b.Load(cpu, word, 8); break;
            }
        }
    }

    /// <summary>A store into a large entry's payload: a word far from the others, or a run over several 64-byte blocks.</summary>
    void EntryPayloadSpread(Random rng, ushort cpu)
    {
        ulong e = (ulong)rng.Next(2), entry = EntryBase(e);
        int size = rng.Next(2) == 0 ? 8 : rng.Next(65, 300);
        // Past the present word (the entry's first 8 bytes or its second word), inside the entry.
        ulong at = entry + 16 + (ulong)rng.Next((int)_table.EntrySize - 16 - size) / 8 * 8;
        _b.Store(cpu, at, size);
    }
}
