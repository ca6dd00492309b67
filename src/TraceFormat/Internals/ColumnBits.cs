using System.Runtime.CompilerServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// One block's classification: per variable-width column a bit per event that has an entry in it (addresses,
/// sizes from the sizes column, aux, bytes), and each event's address slot. The column passes walk the set bits.
/// </summary>
sealed class ColumnBits
{
    public readonly ulong[] Address, Size, Aux, Data;
    public readonly ushort[] Slots;

    public ColumnBits(int events)
    {
        int words = (events + 63) >> 6;
        Address = new ulong[words];
        Size = new ulong[words];
        Aux = new ulong[words];
        Data = new ulong[words];
        Slots = new ushort[events];
    }

    /// <summary>Words holding <paramref name="events"/> bits.</summary>
    public static int Words(int events) => (events + 63) >> 6;

    public void Clear(int events)
    {
        int words = Words(events);
        Address.AsSpan(0, words).Clear();
        Size.AsSpan(0, words).Clear();
        Aux.AsSpan(0, words).Clear();
        Data.AsSpan(0, words).Clear();
    }

    /// <summary>ORs the bits of events <paramref name="at"/>.. (at most 16 from a multiple of 16, or one) into each column's words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int at, uint address, uint size, uint aux, uint data)
    {
        int w = at >> 6, s = at & 63;
        Address[w] |= (ulong)address << s;
        Size[w] |= (ulong)size << s;
        Aux[w] |= (ulong)aux << s;
        Data[w] |= (ulong)data << s;
    }

    /// <inheritdoc cref="Set(int, uint, uint, uint, uint)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int at, int address, int size, int aux, int data) => Set(at, (uint)address, (uint)size, (uint)aux, (uint)data);
}
