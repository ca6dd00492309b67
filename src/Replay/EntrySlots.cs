using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>
/// Numbers table entries densely (<see cref="Detection.EntryStore.Slot"/>): computed once per entry event by the
/// engine and handed to every entry detector, which then indexes a flat array of its own per-entry state instead
/// of looking the entry up itself (one lookup per entry store, not one per detector).
/// </summary>
/// <remarks>
/// A table of the usual size (a ring, a context table: up to <see cref="DenseEntries"/> entries in all) owns a fixed
/// range of slots, so its slot is its first slot plus the entry number: no lookup at all. Entries of larger tables
/// (a page table of 2^30 entries, touched sparsely) are numbered on first touch after those ranges.
/// </remarks>
sealed class EntrySlots
{
    /// <summary>Entries given fixed slots, over all tables: a detector's flat array covers at most these plus the sparse ones touched.</summary>
    public const int DenseEntries = 1 << 16;

    /// <summary>Per region: the first slot of its fixed range, or -1 (not a table, or numbered on first touch).</summary>
    readonly int[] _first;
    readonly Dictionary<(int Region, ulong Number), int> _sparse = [];
    int _next;

    /// <summary>Numbers the entries of the tables among <paramref name="regions"/>.</summary>
    public EntrySlots(RegionInfo[] regions)
    {
        _first = new int[regions.Length];
        for (int rid = 0; rid < regions.Length; rid++)
        {
            var r = regions[rid];
            bool dense = r.Kind == RegionKind.Table && r.Entries <= (ulong)(DenseEntries - _next);
            _first[rid] = dense ? _next : -1;
            if (dense) _next += (int)r.Entries;
        }
    }

    /// <summary>The slot of entry number <paramref name="number"/> of table <paramref name="region"/>, numbered now if it had none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Of(int region, ulong number)
    {
        int first = _first[region];
        return first >= 0 ? first + (int)number : Sparse(region, number);
    }

    /// <summary>The slot of entry number <paramref name="number"/> of table <paramref name="region"/>, or -1 when it was never numbered.</summary>
    public int Find(int region, ulong number)
    {
        int first = _first[region];
        return first >= 0 ? first + (int)number : _sparse.GetValueOrDefault((region, number), -1);
    }

    int Sparse(int region, ulong number)
    {
        ref int slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_sparse, (region, number), out bool had);
        if (!had) slot = _next++;
        return slot;
    }
}
