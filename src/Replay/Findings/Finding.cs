namespace TraceTools.Replay.Findings;

/// <summary>A related event of a finding: its role and its trace index.</summary>
/// <param name="Role">The role (reports print <see cref="RelatedRoles.Name"/>).</param>
/// <param name="Index">Trace index of the related event.</param>
public readonly record struct RelatedEvent(RelatedRole Role, long Index);

/// <summary>
/// One instance of a detector's rule failing: the kind, the trigger event where it is reported, and
/// the related events with their roles, in the order model.md lists them. Events are named by trace
/// index; reports look their details up.
/// </summary>
/// <param name="Kind">Which detector.</param>
/// <param name="Trigger">Trace index of the trigger event.</param>
/// <param name="Related">
/// Related events with roles, in the order the kind's descriptor lists them; a role whose event does not exist
/// is left out (an unquiesced-dma of a device whose IOMMU mode was never set has no <c>iommu-mode</c>).
/// </param>
public sealed record Finding(FindingKind Kind, long Trigger, RelatedEvent[] Related)
{
    /// <summary>
    /// How bad this instance is: its kind's severity, or less where the rule says so (unquiesced-dma in IOMMU
    /// abort mode is a warning: the transaction faults instead of landing in memory).
    /// </summary>
    public Severity Severity { get; init; } = Kind.Severity();

    /// <summary>Structural equality including the related events and the severity (records compare arrays by reference).</summary>
    public bool SameAs(Finding other) =>
        Kind == other.Kind && Trigger == other.Trigger && Severity == other.Severity && Related.AsSpan().SequenceEqual(other.Related);

    /// <summary>Trace index of the related event with <paramref name="role"/>, or -1 when it has none.</summary>
    public long RelatedIndex(RelatedRole role)
    {
        foreach (var r in Related) if (r.Role == role) return r.Index;
        return -1;
    }

    /// <summary>
    /// A compact one-line form for test messages: <c>stale-dma-read@3[store=0,publish=1]</c>, with
    /// <c>(warning)</c> after the kind when the instance is less severe than its kind.
    /// </summary>
    public override string ToString() =>
        $"{Kind.Name()}{(Severity != Kind.Severity() ? "(warning)" : "")}@{Trigger}[{string.Join(",", Related.Select(r => $"{r.Role.Name()}={r.Index}"))}]";
}
