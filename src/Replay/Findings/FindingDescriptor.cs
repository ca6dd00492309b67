namespace TraceTools.Replay.Findings;

/// <summary>
/// Everything reports, scenarios and detectors agree on about one finding kind: its report name, its
/// severity, the roles of its related events in report order, and a one-sentence summary (SARIF rules).
/// Adding a kind is one <see cref="FindingKind"/> member and one descriptor in <see cref="FindingKinds"/>.
/// </summary>
/// <param name="Kind">The kind described.</param>
/// <param name="Name">Report name, e.g. <c>stale-dma-read</c>.</param>
/// <param name="Severity">How bad an instance is.</param>
/// <param name="Roles">Roles of the related events, in the order model.md lists them (and findings carry them).</param>
/// <param name="Summary">One sentence saying what the rule catches.</param>
public sealed record FindingDescriptor(FindingKind Kind, string Name, Severity Severity, IReadOnlyList<RelatedRole> Roles, string Summary);
