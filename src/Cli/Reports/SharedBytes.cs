using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// The bytes two accesses share, [<see cref="From"/>, <see cref="To"/>), and whether a cache operation's lines hold them:
/// what a cache kind's ladder marks its maintenance by (<see cref="LadderEvents"/>, <see cref="EarlyMaintenance"/>).
/// </summary>
readonly record struct SharedBytes(ulong From, ulong To)
{
    /// <summary>The bytes <paramref name="a"/> and <paramref name="b"/> share, or null when they share none.</summary>
    public static SharedBytes? Of(TraceEvent a, TraceEvent b)
    {
        ulong from = Math.Max(a.Address, b.Address);
        ulong to = Math.Min(CacheLines.EndOf(a.Address, a.Size), CacheLines.EndOf(b.Address, b.Size));
        return from < to ? new SharedBytes(from, to) : null;
    }

    /// <summary>True when the lines of a cache operation on <paramref name="size"/> bytes at <paramref name="address"/> hold any of them.</summary>
    public bool AnyInLines(ulong address, int size, int lineSize)
    {
        var (start, end) = Lines(address, size, lineSize);
        return start < To && From < end;
    }

    /// <summary>True when the lines of a cache operation on <paramref name="size"/> bytes at <paramref name="address"/> hold all of them.</summary>
    public bool AllInLines(ulong address, int size, int lineSize)
    {
        var (start, end) = Lines(address, size, lineSize);
        return start <= From && To <= end;
    }

    static (ulong Start, ulong End) Lines(ulong address, int size, int lineSize)
    {
        var (start, length) = CacheLines.Span(address, Math.Max(size, 1), lineSize);
        return (start, CacheLines.EndOf(start, length));
    }
}
