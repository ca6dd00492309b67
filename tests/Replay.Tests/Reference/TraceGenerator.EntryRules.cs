namespace TraceTools.Tests.Reference;

/// <summary>
/// Entry rules the other steps leave undrawn: a cpu store of PART of an entry's present word (1, 2 or 4 bytes, the
/// byte holding the present bit or another one). The present word is sync (model.md §1, "table"), so such a store is
/// a release of its own whether or not it covers the present bit: a cpu that reads the present word acquires it,
/// and present-before-payload must still judge the payload stores before it each on its own (§7.9: a store that is
/// itself the release is its own first hop; the stores before it are not ordered by that).
/// </summary>
public sealed partial class TraceGenerator
{
    /// <summary>
    /// A payload store, maybe a barrier, a store of part of the present word (present mostly left clear), then the
    /// same cpu or another (which first reads the present word, acquiring the partial store) sets present.
    /// </summary>
    void PartialPresentWord()
    {
        ushort c = Cpu;
        ulong e = Pick(0ul, 1ul);
        if (Chance(50)) _b.Store(c, PresentWord(e), PresentWordSize, 0);
        if (Chance(80)) _b.Store(c, PayloadWord(e), 8, Value());
        MaybeBarrier(c, 30);
        int size = Pick(1, 2, 4);
        int presentByte = (int)(_table.PresentBit / 8 % 8);
        int offset = Chance(60) ? presentByte / size * size : _rng.Next(PresentWordSize / size) * size;
        var bytes = new byte[size];
        for (int k = 0; k < size; k++) bytes[k] = (byte)(Chance(40) ? 0 : _rng.Next(1, 256));
        if (presentByte >= offset && presentByte < offset + size)
        {
            byte bit = (byte)(1 << (int)(_table.PresentBit % 8));
            ref byte b = ref bytes[presentByte - offset];
            b = Chance(80) ? (byte)(b & ~bit) : (byte)(b | bit);
        }
        _b.StoreBytes(c, PresentWord(e) + (ulong)offset, bytes);
        ushort setter = Chance(60) ? Cpu : c;
        if (setter != c && Chance(80)) _b.Load(setter, PresentWord(e), PresentWordSize);
        MaybeBarrier(setter, 30);
        _b.Store(setter, PresentWord(e), PresentWordSize, PresentValue);
        if (Chance(50)) FetchRun(e);
    }
}
