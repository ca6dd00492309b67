using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// A finding's fields by position, read from the engine's <see cref="FindingStore"/> columns where the findings are
/// one: a pass over every finding (grouping, suppressions, the exit code, the help's shared fixes) makes none.
/// </summary>
/// <remarks>
/// Made and dropped a finding at a time, they filled the GC's youngest generation, whose budget this native build sizes by
/// the cache, not by <c>DOTNET_GCgen0size</c>: 195,904 findings in one group peaked 8 MB higher than with the list
/// of findings the store replaced.
/// </remarks>
static class FindingFields
{
    /// <summary>The kind of <c>findings[i]</c>.</summary>
    public static FindingKind KindAt(IReadOnlyList<Finding> findings, int i) => findings is FindingStore s ? s.KindAt(i) : findings[i].Kind;

    /// <summary>The severity of <c>findings[i]</c>.</summary>
    public static Severity SeverityAt(IReadOnlyList<Finding> findings, int i) => findings is FindingStore s ? s.SeverityAt(i) : findings[i].Severity;

    /// <summary>The trigger index of <c>findings[i]</c>.</summary>
    public static long TriggerAt(IReadOnlyList<Finding> findings, int i) => findings is FindingStore s ? s.TriggerAt(i) : findings[i].Trigger;

    /// <summary>How many related events <c>findings[i]</c> carries.</summary>
    public static int RelatedCountAt(IReadOnlyList<Finding> findings, int i) =>
        findings is FindingStore s ? s.RelatedCountAt(i) : findings[i].Related.Length;

    /// <summary>The <paramref name="k"/>th related event of <c>findings[i]</c>.</summary>
    public static RelatedEvent RelatedAt(IReadOnlyList<Finding> findings, int i, int k) =>
        findings is FindingStore s ? s.RelatedAt(i, k) : findings[i].Related[k];
}
