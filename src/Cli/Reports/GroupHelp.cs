using System.Text.RegularExpressions;

namespace TraceTools.Cli.Reports;

/// <summary>
/// The distinct fixes of a group's shown instances. Instances group by their sites, yet their help can still
/// differ in substance: one flag store that reaches a device directly and another cpu first needs dma_wmb for one
/// instance and smp_wmb for the other; an entry fetched by two devices needs two invalidations. Helps that differ
/// only in numbers (trace indices, offsets, entry indices) are the same fix at another instance: one line.
/// </summary>
public static partial class GroupHelp
{
    /// <summary>One distinct fix: its text (from the first instance giving it) and the triggers of the instances it is for.</summary>
    /// <param name="Text">The help of the first instance with this fix.</param>
    /// <param name="Triggers">The shown instances' triggers, in group order, whose help is this fix.</param>
    public sealed record Fix(string Text, IReadOnlyList<long> Triggers);

    /// <summary>The group's fixes, the first instance's first.</summary>
    public static List<Fix> Of(ReportInput input, FindingGroup g)
    {
        var fixes = new List<(string Text, List<long> Triggers)>();
        // By shape: a group of n instances with n distinct fixes (another region or device each) is n lookups, not n².
        var byShape = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in g.Instances)
        {
            string help = new FindingText(input.Metadata, f, input.Events) { Fixes = input.Fixes }.Help;
            string shape = Numbers().Replace(help, "N");
            if (byShape.TryGetValue(shape, out int k)) fixes[k].Triggers.Add(f.Trigger);
            else
            {
                byShape.Add(shape, fixes.Count);
                fixes.Add((help, [f.Trigger]));
            }
        }
        return [.. fixes.Select(x => new Fix(x.Text, x.Triggers))];
    }

    [GeneratedRegex(@"0x[0-9a-fA-F]+|[0-9]+")]
    private static partial Regex Numbers();
}
