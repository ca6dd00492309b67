namespace TraceTools.Cli.Reports;

/// <summary>
/// A group of findings <c>--suppressions</c> left out, with the entry that did: SARIF lists it as a result with a
/// <c>suppressions</c> entry (docs/reports.md). A group's instances share kind and sites, which is all an entry
/// matches on, so one entry suppressed them all.
/// </summary>
/// <param name="Group">The suppressed findings, grouped as a report groups them.</param>
/// <param name="Entry">The first entry of the file that matches them.</param>
public sealed record SuppressedGroup(FindingGroup Group, Suppressions.Entry Entry)
{
    /// <summary>Groups <paramref name="suppressed"/> and finds each group's entry.</summary>
    public static List<SuppressedGroup> Build(IReadOnlyList<Replay.Findings.Finding> suppressed, ReportInput input, Suppressions file, bool all) =>
        Build(suppressed, EventSites.Read(suppressed, input.Events), input, file, all);

    /// <summary>Groups <paramref name="suppressed"/> and finds each group's entry, from their events' sites read before.</summary>
    public static List<SuppressedGroup> Build(IReadOnlyList<Replay.Findings.Finding> suppressed, EventSites sites, ReportInput input,
        Suppressions file, bool all) =>
        [.. FindingGroup.Build(suppressed, sites, all)
            .Select(g => new SuppressedGroup(g, file.Match(g.First, sites, input.Metadata)!))];
}
