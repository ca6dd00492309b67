using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// Findings of one kind whose trigger and related events carry the same sites, role by role (cli.md):
/// the unit a report prints. <see cref="Count"/> counts every instance; <see cref="Instances"/> holds the
/// first ten, or all of them with <c>--all</c>.
/// </summary>
/// <param name="Kind">The detector kind.</param>
/// <param name="Count">Instances in the trace.</param>
/// <param name="Instances">The instances shown, in trigger order.</param>
public sealed record FindingGroup(FindingKind Kind, int Count, IReadOnlyList<Finding> Instances)
{
    /// <summary>Instances shown per group without <c>--all</c>.</summary>
    public const int DefaultShown = 10;

    /// <summary>Severity of the group's instances (the kind's, or less where the rule says so: they group apart).</summary>
    public Severity Severity => Instances[0].Severity;

    /// <summary>The first instance, which the text report draws.</summary>
    public Finding First => Instances[0];

    /// <summary>
    /// Groups <paramref name="findings"/> by kind and the sites of trigger and related events (per role, in
    /// order); groups come in the order of their first instance's trigger index (then kind).
    /// </summary>
    public static List<FindingGroup> Build(IReadOnlyList<Finding> findings, IEventLookup events, bool all) =>
        Build(findings, EventSites.Read(findings, events), all);

    /// <summary>
    /// <see cref="Build(IReadOnlyList{Finding}, IEventLookup, bool)"/> from the sites already read: each finding
    /// costs a dictionary probe by its position and sites (no key built, no finding made), and a place in a group
    /// only when shown.
    /// </summary>
    public static List<FindingGroup> Build(IReadOnlyList<Finding> findings, EventSites sites, bool all)
    {
        // Probed by position: of the engine's store a finding is made only when it is shown.
        var byFirst = new Dictionary<int, Shown>(new SameSites(findings, sites));
        var order = new List<Shown>();
        var positions = FindingOrder.IsSorted(findings) ? null : FindingOrder.StableOrder(findings);
        for (int k = 0; k < findings.Count; k++)
        {
            int at = positions is null ? k : positions[k];
            if (!byFirst.TryGetValue(at, out var g))
            {
                g = new Shown(findings[at]);
                byFirst.Add(at, g);
                order.Add(g);
                g.Instances.Add(g.First);
            }
            else if (all || g.Instances.Count < DefaultShown) g.Instances.Add(findings[at]);
            g.Count++;
        }
        return [.. order.Select(g => new FindingGroup(g.First.Kind, g.Count, g.Instances))];
    }

    /// <summary>A group while it is built.</summary>
    sealed class Shown(Finding first)
    {
        public Finding First { get; } = first;
        public List<Finding> Instances { get; } = [];
        public int Count { get; set; }
    }
}
