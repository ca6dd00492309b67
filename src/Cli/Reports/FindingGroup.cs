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
    public static List<FindingGroup> Build(IReadOnlyList<Finding> findings, IEventLookup events, bool all)
    {
        var byKey = new Dictionary<string, (Finding First, List<Finding> Shown, int Count)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var f in findings.OrderBy(f => f.Trigger).ThenBy(f => f.Kind))
        {
            string key = Key(f, events);
            if (!byKey.TryGetValue(key, out var g))
            {
                g = (f, [], 0);
                order.Add(key);
            }
            if (all || g.Shown.Count < DefaultShown) g.Shown.Add(f);
            byKey[key] = (g.First, g.Shown, g.Count + 1);
        }
        return [.. order.Select(k => byKey[k]).Select(g => new FindingGroup(g.First.Kind, g.Count, g.Shown))];
    }

    static string Key(Finding f, IEventLookup events)
    {
        var parts = new List<string> { f.Kind.Name(), f.Severity.ToString(), events[f.Trigger].Site.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var r in f.Related) parts.Add($"{r.Role.Name()}={events[r.Index].Site}");
        return string.Join('|', parts);
    }
}
