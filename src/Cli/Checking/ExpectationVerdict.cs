using TraceTools.Replay.Findings;
using TraceTools.Scenarios;

namespace TraceTools.Cli.Checking;

/// <summary>Judges a scenario's <c>expect</c> lines against the findings its replay produced.</summary>
public static class ExpectationVerdict
{
    /// <summary>
    /// Returns null when every expectation holds, else a description of the first failing one:
    /// <c>expected stale-dma-read count 1, got 2 (stale-dma-read ×2)</c>.
    /// </summary>
    public static string? Judge(IReadOnlyList<Expectation> expectations, IReadOnlyList<Finding> findings)
    {
        var counts = new long[FindingKinds.All.Length];
        foreach (var f in findings) counts[(int)f.Kind]++;
        foreach (var e in expectations)
        {
            long got = e.FindingKind is null ? findings.Count : Count(counts, e.FindingKind);
            bool holds = e.Kind switch
            {
                ExpectationKind.AtLeastOne => got >= 1,
                ExpectationKind.Exactly => got == e.Count,
                ExpectationKind.NoneOf or ExpectationKind.NoneAtAll => got == 0,
                _ => false,
            };
            if (!holds) return $"expected {Describe(e)}, got {got} ({Summary(counts)}) [line {e.Line}]";
        }
        return null;
    }

    static long Count(long[] counts, string kind) =>
        FindingKinds.TryParse(kind, out var k) ? counts[(int)k] : 0;

    static string Describe(Expectation e) => e.Kind switch
    {
        ExpectationKind.AtLeastOne => $"{e.FindingKind}",
        ExpectationKind.Exactly => $"{e.FindingKind} count {e.Count}",
        ExpectationKind.NoneOf => $"no {e.FindingKind}",
        _ => "none",
    };

    /// <summary>Findings per kind, e.g. <c>stale-dma-read ×2, dma-race ×1</c>, or <c>no findings</c>.</summary>
    public static string Summary(long[] counts)
    {
        var parts = new List<string>();
        for (int k = 0; k < counts.Length; k++)
            if (counts[k] > 0) parts.Add($"{((FindingKind)k).Name()} ×{counts[k]}");
        return parts.Count == 0 ? "no findings" : string.Join(", ", parts);
    }
}
