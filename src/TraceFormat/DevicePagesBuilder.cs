using System.Runtime.CompilerServices;

namespace TraceTools.TraceFormat;

/// <summary>
/// Takes a trace's batches in any order and collects its <see cref="DevicePages"/>: for every event of a kind
/// <see cref="DevicePages.InCensus"/> with a nonzero size, the pages of its bytes.
/// </summary>
public sealed class DevicePagesBuilder
{
    readonly HashSet<ulong> _pages = [];
    // Page + 1 (0: empty) of the pages added lately, direct-mapped by the page's low bits: a trace's census is a few
    // hundred pages touched millions of times (bursts, descriptor rings, cache maintenance of the same buffers), so
    // nearly every add is one load and compare instead of a hash set lookup (the writer adds as it appends).
    readonly ulong[] _recent = new ulong[RecentSlots];
    const int RecentSlots = 1024;

    /// <summary>Adds the census pages of the events of <paramref name="batch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(EventBatch batch)
    {
        int n = batch.Count;
        var kinds = batch.Kinds.AsSpan(0, n);
        var addresses = batch.Addresses.AsSpan(0, n);
        var sizes = batch.Sizes.AsSpan(0, n);
        for (int i = 0; i < kinds.Length; i++) AddEvent(kinds[i], addresses[i], sizes[i]);
    }

    /// <summary>Adds the pages of one event's bytes when its kind is <see cref="DevicePages.InCensus"/> and its size nonzero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddEvent(EventKind kind, ulong address, int size)
    {
        // The two plain accesses are most of a trace: tested first, before the kind switch.
        if (kind is EventKind.Store or EventKind.Load || !DevicePages.InCensus(kind) || size <= 0) return;
        Add(address, size);
    }

    /// <summary>
    /// True once more than <see cref="DevicePages.MaxPages"/> pages were added: the set is dropped, nothing more is
    /// kept, and <see cref="Build"/> gives null (no census).
    /// </summary>
    public bool Overflowed { get; private set; }

    /// <summary>Adds the pages of [<paramref name="address"/>, + <paramref name="size"/>) (size ≥ 1).</summary>
    public void Add(ulong address, int size)
    {
        if (Overflowed) return;
        ulong first = address >> DevicePages.PageShift, last = DevicePages.LastByte(address, size) >> DevicePages.PageShift;
        for (ulong p = first; ; p++)
        {
            // Page numbers are below 2^52: p + 1 does not wrap.
            ref ulong recent = ref _recent[(int)(p & (RecentSlots - 1))];
            if (recent != p + 1)
            {
                if (_pages.Add(p) && _pages.Count > DevicePages.MaxPages)
                {
                    Overflowed = true;
                    _pages.Clear();
                    _pages.TrimExcess();
                    return;
                }
                recent = p + 1;
            }
            if (p == last) break;
        }
    }

    /// <summary>The census of what was added; null when it <see cref="Overflowed"/>.</summary>
    public DevicePages? Build() => Overflowed ? null : new(new HashSet<ulong>(_pages));

    /// <summary>The pages added so far, ascending (the writer's census section).</summary>
    internal ulong[] Sorted() => DevicePages.Sorted(_pages);
}
