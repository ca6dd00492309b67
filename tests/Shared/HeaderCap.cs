using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// Where a header built item by item passes the format's cap (<see cref="TraceLimits.MaxHeaderBytes"/>), measured
/// with the writer's own encoding (<see cref="TraceLimits.HeaderBytes"/>), not with the compilers' count.
/// </summary>
static class HeaderCap
{
    /// <summary>
    /// How many of <paramref name="count"/> items fit: the header <paramref name="header"/>(n) of the first n items
    /// is within the cap, and with one more it is not (asserted to pass the cap with all of them).
    /// </summary>
    public static int Fitting(int count, Func<int, TraceMetadata> header)
    {
        Assert.IsGreaterThan(TraceLimits.MaxHeaderBytes, TraceLimits.HeaderBytes(header(count)));
        int lo = 0, hi = count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (TraceLimits.HeaderBytes(header(mid + 1)) > TraceLimits.MaxHeaderBytes) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>
    /// <paramref name="declared"/>'s declarations with these locks and sites; without the section saying memory values
    /// were recorded when <paramref name="valuesRecorded"/> is false (importers count it from the start).
    /// </summary>
    public static TraceMetadata With(TraceMetadata declared, IReadOnlyList<string>? locks = null, IReadOnlyList<string>? sites = null,
        bool valuesRecorded = true) => new()
    {
        Name = declared.Name, Arch = declared.Arch, Agents = declared.Agents, Regions = declared.Regions, CacheLineSize = declared.CacheLineSize,
        Locks = locks ?? declared.Locks, Sites = sites ?? declared.Sites, MemoryValuesRecorded = valuesRecorded,
    };
}
