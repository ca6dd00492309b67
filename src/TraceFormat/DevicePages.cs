using System.Runtime.CompilerServices;

namespace TraceTools.TraceFormat;

/// <summary>
/// The census of a trace: the 4 KiB pages that some event other than a plain cpu
/// <c>load</c> or <c>store</c> touches anywhere in the trace: a device access, a fetch, cache maintenance, a
/// <c>dev_invalidate</c>, a <c>dma_map</c>/<c>dma_unmap</c>, a release, acquire or xchg. The writer collects it
/// as events are appended and stores it in a v4 trace (<see cref="TraceReader.Census"/>, docs/trace-format.md,
/// "Census section"); <see cref="DevicePagesBuilder"/> collects it from batches. The replay engine skips the data
/// work of a plain cpu access to ram whose pages are all outside it (docs/replay-engine.md, "The device page census").
/// </summary>
/// <remarks>
/// Exact, not a heuristic: every rule of model.md §4, §8, §9 and §11 that judges or names a cpu load or store of ram
/// bytes needs an event of those kinds on the same bytes, or on the same cache line (a line lies inside one page:
/// lines are 16 to 4096 aligned bytes), and a skipped access changes no state another page's rule reads. Memory is
/// proportional to the pages touched (a hash set of page numbers), never to a region's size or address.
/// </remarks>
public sealed class DevicePages
{
    /// <summary>log2 of the page size: 4 KiB, the replay's shadow page (a cache line, 16 to 4096 aligned bytes, lies in one).</summary>
    public const int PageShift = 12;

    /// <summary>
    /// The most pages a census holds (4 GiB of memory that devices touch): a writer whose census outgrows it writes
    /// none (replay then judges every access), and a reader refuses a section that lists more. The cap keeps the
    /// writer's set (about 24 bytes a page) and the section (at most 8 bytes a page) bounded whatever the trace does.
    /// </summary>
    public const int MaxPages = 1 << 20;

    readonly HashSet<ulong> _pages;

    internal DevicePages(HashSet<ulong> pages) => _pages = pages;

    /// <summary>The pages in the census.</summary>
    public int Count => _pages.Count;

    /// <summary>True when a page holding a byte of [<paramref name="address"/>, + <paramref name="size"/>) is in the census (size ≥ 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Touches(ulong address, int size)
    {
        ulong first = address >> PageShift, last = LastByte(address, size) >> PageShift;
        for (ulong p = first; ; p++)
        {
            if (_pages.Contains(p)) return true;
            if (p == last) return false;
        }
    }

    /// <summary>
    /// The first page holding a byte of [<paramref name="address"/>, + <paramref name="size"/>) that is not in the
    /// census (size ≥ 1), or null when every one is: a census event's pages must all be listed.
    /// </summary>
    public ulong? FirstMissing(ulong address, int size)
    {
        ulong first = address >> PageShift, last = LastByte(address, size) >> PageShift;
        for (ulong p = first; ; p++)
        {
            if (!_pages.Contains(p)) return p;
            if (p == last) return null;
        }
    }

    /// <summary>The page numbers, ascending (for the per-region summary and tests).</summary>
    public ulong[] Sorted() => Sorted(_pages);

    /// <summary>The page numbers of <paramref name="set"/>, ascending.</summary>
    internal static ulong[] Sorted(HashSet<ulong> set)
    {
        var pages = set.ToArray();
        Array.Sort(pages);
        return pages;
    }

    /// <summary>
    /// True for the kinds whose memory operand puts its pages in the census: every kind but the plain cpu accesses
    /// and the kinds that touch no memory (barriers, MMIO, locks, interrupts, the device-lifetime events other than
    /// the DMA mappings, firmware calls). A kind added later is in the census until it is listed here: safe.
    /// </summary>
    public static bool InCensus(EventKind kind) => kind switch
    {
        EventKind.Store or EventKind.Load => false,
        EventKind.Barrier or EventKind.MmioWrite or EventKind.MmioRead or EventKind.Lock or EventKind.Unlock => false,
        EventKind.TakeIrq or EventKind.RaiseIrq => false,
        EventKind.IommuMode or EventKind.Quiesce or EventKind.Handover => false,
        EventKind.FirmwareCall or EventKind.FirmwareReturn => false,
        _ => true,
    };

    /// <summary>The last byte of a range of <paramref name="size"/> ≥ 1 bytes, held at the top of the address space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong LastByte(ulong address, int size) =>
        address > ulong.MaxValue - (ulong)(size - 1) ? ulong.MaxValue : address + (ulong)(size - 1);
}
