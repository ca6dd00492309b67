using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>One table entry: its table and index.</summary>
public readonly record struct EntryRef(RegionInfo Table, ulong Index)
{
    public ulong Base => Table.Base + Index * Table.EntrySize;
    public ulong End => Base + Table.EntrySize;
    public ulong PresentByte => Base + Table.PresentBit / 8;
    public byte PresentMask => (byte)(1 << (int)(Table.PresentBit % 8));
    public int Fetcher => Table.Device;
}

public sealed partial class ReferenceModel
{
    /// <summary>Every entry of every table (traces are small).</summary>
    IEnumerable<EntryRef> AllEntries()
    {
        foreach (var r in _md.Regions)
            if (r.Kind == RegionKind.Table)
                for (ulong e = 0; e < r.Entries; e++) yield return new EntryRef(r, e);
    }

    bool Touches(int i, EntryRef e)
    {
        var ev = Ev(i);
        return ev.Kind.HasAddress() && ev.Kind != EventKind.DevInvalidate && ev.Size > 0
            && ev.Address < e.End && ev.Address + (ulong)ev.Size > e.Base;
    }

    bool PresentBefore(EntryRef e, int i) => (ValueBefore(e.PresentByte, i) & e.PresentMask) != 0;
    bool PresentAfter(EntryRef e, int i) => PresentBefore(e, i + 1);

    /// <summary>Write <paramref name="i"/> turns present on.</summary>
    bool SetsPresent(int i, EntryRef e) => IsWrite(i) && Touches(i, e) && !PresentBefore(e, i) && PresentAfter(e, i);

    /// <summary>Write <paramref name="i"/> turns present off.</summary>
    bool ClearsPresent(int i, EntryRef e) => IsWrite(i) && Touches(i, e) && PresentBefore(e, i) && !PresentAfter(e, i);

    /// <summary>Write <paramref name="i"/> changes some byte of the entry (value-neutral stores change nothing).</summary>
    bool ChangesEntry(int i, EntryRef e)
    {
        if (!IsWrite(i) || !Touches(i, e)) return false;
        for (ulong a = e.Base; a < e.End; a++) if (ChangesByte(i, a)) return true;
        return false;
    }

    /// <summary>Write <paramref name="i"/> changes a bit of the entry other than present.</summary>
    bool ChangesNonPresentBits(int i, EntryRef e)
    {
        if (!IsWrite(i) || !Touches(i, e)) return false;
        for (ulong a = Math.Max(e.Base, Ev(i).Address); a < e.End && Covers(i, a); a++)
        {
            int diff = WrittenByte(i, a) ^ ValueBefore(a, i);
            if (a == e.PresentByte) diff &= ~e.PresentMask;
            if (diff != 0) return true;
        }
        return false;
    }

    /// <summary>
    /// A dev_invalidate of entry <paramref name="e"/> by its fetcher (the entry itself or <c>all</c>). An
    /// invalidation sent to another device synchronizes but does not invalidate the entry.
    /// </summary>
    bool InvalidatesEntry(int i, EntryRef e)
    {
        var ev = Ev(i);
        return ev.Kind == EventKind.DevInvalidate && ev.Aux == (uint)e.Fetcher
            && ((ev.Address == 0 && ev.Size == 0) || ev.Address == e.Base);
    }
}
