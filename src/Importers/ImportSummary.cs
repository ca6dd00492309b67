namespace TraceTools.Importers;

/// <summary>What an import read, wrote and skipped.</summary>
public sealed class ImportSummary
{
    /// <summary>Lines read over all inputs.</summary>
    public long Lines { get; init; }

    /// <summary>Events written to the trace.</summary>
    public long Events { get; init; }

    /// <summary>Distinct sites in the trace.</summary>
    public int Sites { get; init; }

    /// <summary>Sites that became <c>file:line</c> through <c>--symbols</c>.</summary>
    public int SymbolizedSites { get; init; }

    /// <summary>Lines or events not imported, per reason (<c>other event sched_switch</c>, <c>outside every region</c>).</summary>
    public required IReadOnlyDictionary<string, long> Skipped { get; init; }

    /// <summary>
    /// For the reasons <c>--skip-malformed</c> and <c>--skip-unmapped</c> count, where the first such line was
    /// (<c>FILE:LINE</c>): the place to look.
    /// </summary>
    public IReadOnlyDictionary<string, string> FirstSkippedAt { get; init; } = new Dictionary<string, string>();

    /// <summary>Events the captures say they lost (ring-buffer overruns), per input, cpu and marker; empty for a complete capture.</summary>
    public IReadOnlyList<LostEvents> Lost { get; init; } = [];

    /// <summary>Wall-clock seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>Seconds spent reading, parsing and merging the inputs (the rest symbolizes and writes the trace).</summary>
    public double ReadSeconds { get; init; }

    static string Counted(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>One line per fact, for stderr.</summary>
    public IEnumerable<string> Describe(string output)
    {
        yield return $"imported {Counted(Events, "event")} from {Counted(Lines, "line")} into {output} ({Counted(Sites, "site")}{(SymbolizedSites > 0 ? $", {SymbolizedSites} symbolized" : "")}, {Seconds:0.00} s: read {ReadSeconds:0.00} s, write {Seconds - ReadSeconds:0.00} s)";
        foreach (var (reason, n) in Skipped.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            yield return FirstSkippedAt.TryGetValue(reason, out var at) ? $"  skipped {n}: {reason} (first at {at})" : $"  skipped {n}: {reason}";
        foreach (var line in Warnings()) yield return line;
    }

    /// <summary>
    /// The warnings of <see cref="Describe"/>, for stderr even when the rest is not printed: a capture that lost
    /// events is an incomplete trace, on which a replay may miss a finding (the lost events held the bug) or report
    /// one that a lost event (a barrier, a cache clean) would have prevented.
    /// </summary>
    public IEnumerable<string> Warnings()
    {
        if (Lost.Count == 0) yield break;
        long total = Lost.Aggregate(0L, (sum, l) => LostEvents.SaturatingAdd(sum, l.Events));
        bool uncounted = Lost.Any(l => l.Uncounted > 0);
        yield return $"warning: incomplete capture: {LostEvents.Count(total)}{(uncounted ? " or more" : "")} were lost while recording; replay results on this trace may miss findings, or report ones that a lost event would have prevented";
        foreach (var lost in Lost)
        {
            yield return "  " + lost.Describe();
            if (lost.NotInLayout is { } hint) yield return "    " + hint;
        }
    }
}
