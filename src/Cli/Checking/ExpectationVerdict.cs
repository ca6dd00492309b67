using TraceTools.Replay.Findings;
using TraceTools.Scenarios;

namespace TraceTools.Cli.Checking;

/// <summary>A failed expectation: what failed, and the <c>expect</c> line it failed at.</summary>
/// <param name="Text"><c>expected stale-dma-read count 1, got 2 (stale-dma-read ×2)</c>, <c>unexpected dma-race ×1 (expect exactly)</c>.</param>
/// <param name="At">The failing <c>expect</c> line (for <c>expect exactly</c>'s failure, that line); null for <c>--exact</c>'s, which has none.</param>
public sealed record ExpectationFailure(string Text, Expectation? At)
{
    /// <summary>The text, as tests and messages print the failure.</summary>
    public override string ToString() => Text;
}

/// <summary>Judges a scenario's <c>expect</c> lines against the findings its replay produced.</summary>
public static class ExpectationVerdict
{
    /// <summary>
    /// Returns null when every expectation holds, else the first failing one:
    /// <c>expected stale-dma-read count 1, got 2 (stale-dma-read ×2)</c> at its line. When <paramref name="exact"/>
    /// (<c>--exact</c>) or the scenario has <c>expect exactly</c>, a finding of a kind no <c>expect K</c> /
    /// <c>expect K count N</c> line names fails too: <c>unexpected dma-race ×1 (expect exactly)</c> at that line, or
    /// <c>(--exact)</c> at none. The line is not in the text: check prints it as the file's <c>:line:column</c>.
    /// </summary>
    public static ExpectationFailure? Judge(IReadOnlyList<Expectation> expectations, IReadOnlyList<Finding> findings, bool exact = false)
    {
        var counts = new long[FindingKinds.All.Length];
        foreach (var f in findings) counts[(int)f.Kind]++;
        Expectation? exactly = null;
        foreach (var e in expectations)
        {
            if (e.Kind == ExpectationKind.OnlyExpected)
            {
                exactly ??= e;
                continue;
            }
            long got = e.FindingKind is null ? findings.Count : Count(counts, e.FindingKind);
            bool holds = e.Kind switch
            {
                ExpectationKind.AtLeastOne => got >= 1,
                ExpectationKind.Exactly => got == e.Count,
                ExpectationKind.NoneOf or ExpectationKind.NoneAtAll => got == 0,
                _ => false,
            };
            if (!holds) return new($"expected {Describe(e)}, got {got} ({Summary(counts)})", e);
        }
        if (!exact && exactly is null) return null;
        var unexpected = new long[counts.Length];
        bool any = false;
        for (int k = 0; k < counts.Length; k++)
        {
            if (counts[k] == 0 || Expected(expectations, ((FindingKind)k).Name())) continue;
            unexpected[k] = counts[k];
            any = true;
        }
        if (!any) return null;
        return new($"unexpected {Summary(unexpected)} ({(exactly is not null ? "expect exactly" : "--exact")})", exactly);
    }

    /// <summary>True when an <c>expect K</c> or <c>expect K count N</c> (N &gt; 0) line names <paramref name="kind"/>.</summary>
    static bool Expected(IReadOnlyList<Expectation> expectations, string kind) =>
        expectations.Any(e => e.FindingKind == kind && e.Kind is ExpectationKind.AtLeastOne or ExpectationKind.Exactly && e.Count > 0);

    /// <summary>True when the scenario says what it expects (an <c>expect exactly</c> alone says nothing).</summary>
    public static bool HasExpectations(IReadOnlyList<Expectation> expectations) =>
        expectations.Any(e => e.Kind != ExpectationKind.OnlyExpected);

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
