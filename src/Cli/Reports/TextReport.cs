using System.Globalization;
using System.Text;
using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>
/// The default, compiler-style report (cli.md): one block per group with a ladder of the first instance's
/// events, a <c>help:</c> line (and a <c>help for #N:</c> line per other fix a shown instance needs), and a
/// summary line at the end.
/// </summary>
public static class TextReport
{
    /// <summary>Narrowest ladder column, as in cli.md's example.</summary>
    public const int MinColumnWidth = 38;

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the report for <paramref name="groups"/> of <paramref name="input"/>.</summary>
    public static void Write(TextWriter w, ReportInput input, IReadOnlyList<FindingGroup> groups, Suppressions? suppressions = null, IReadOnlySet<FindingKind>? detectors = null)
    {
        int errors = 0, warnings = 0;
        // The ladders' evidence windows are read a batch of groups at a time, in one sweep (LadderSweep).
        for (int start = 0; start < groups.Count; start += LadderSweep.LaddersPerSweep)
        {
            int count = Math.Min(LadderSweep.LaddersPerSweep, groups.Count - start);
            var firsts = new Finding[count];
            var texts = new FindingText[count];
            for (int k = 0; k < count; k++)
            {
                firsts[k] = groups[start + k].First;
                texts[k] = new FindingText(input.Metadata, firsts[k], input.Events) { Fixes = input.Fixes };
            }
            var ladders = LadderSweep.Pick(input, firsts, texts);
            for (int k = 0; k < count; k++)
            {
                var g = groups[start + k];
                if (g.Severity == Severity.Error) errors += g.Count; else warnings += g.Count;
                WriteGroup(w, input, g, texts[k], ladders[k]);
                w.WriteLine();
            }
        }
        w.WriteLine(string.Create(Inv, $"{Plural.Of(errors, "error")}, {Plural.Of(warnings, "warning")} in {Plural.Of(groups.Count, "group")}"));
        if (input.Suppressed > 0)
        {
            w.WriteLine(string.Create(Inv, $"{input.Suppressed} suppressed by {suppressions?.Path ?? "--suppressions"}:"));
            if (suppressions is not null) foreach (var line in suppressions.CountLines()) w.WriteLine(line);
        }
        if (suppressions?.UnusedLines(detectors).ToList() is { Count: > 0 } unused)
        {
            w.WriteLine(string.Create(Inv, $"{unused.Count} {(unused.Count == 1 ? "entry" : "entries")} of {suppressions.Path} suppressed nothing in this trace:"));
            foreach (var line in unused) w.WriteLine(line);
        }
        if (input.InBaseline > 0) w.WriteLine(string.Create(Inv, $"{input.InBaseline} not shown: already in the baseline"));
        if (input.Stats is { } s) w.WriteLine(s.Line(input.EventCount));
    }

    static string SeverityName(Severity s) => s == Severity.Error ? "error" : "warning";

    /// <summary>Writes one group's block (header, ladder, help, other instances).</summary>
    public static void WriteGroup(TextWriter w, ReportInput input, FindingGroup g)
    {
        var text = new FindingText(input.Metadata, g.First, input.Events) { Fixes = input.Fixes };
        WriteGroup(w, input, g, text, new LadderEvents(input, g.First, text));
    }

    /// <summary>Writes one group's block with its first instance's <paramref name="text"/> and <paramref name="picked"/> ladder.</summary>
    static void WriteGroup(TextWriter w, ReportInput input, FindingGroup g, FindingText text, LadderEvents picked)
    {
        w.WriteLine(string.Create(Inv, $"{SeverityName(g.Severity)}[{g.Kind.Name()}]: {text.Title} ({Plural.Of(g.Count, "instance")})"));
        foreach (var line in Ladder(input, g.First, picked)) w.WriteLine(line);
        // The ladder's instance's fix first; then each other fix some shown instance needs, with the instances it is for.
        var fixes = GroupHelp.Of(input, g);
        w.WriteLine($"  help: {fixes[0].Text}");
        foreach (var fix in fixes.Skip(1))
            w.WriteLine($"  help for {string.Join(", ", fix.Triggers.Select(t => string.Create(Inv, $"#{t}")))}: {fix.Text}");
        if (g.Instances.Count > 1)
        {
            var more = g.Instances.Skip(1).Select(f => string.Create(Inv, $"#{f.Trigger}"));
            int hidden = g.Count - g.Instances.Count;
            w.WriteLine($"  note: also at {string.Join(", ", more)}{(hidden > 0 ? string.Create(Inv, $" and {hidden} more (--all lists them)") : "")}");
        }
    }

    /// <summary>
    /// The ladder: one column per agent involved (by agent id), the events <see cref="LadderEvents"/> picks in
    /// trace order, each row holding its event in its agent's column and <c>.</c> in the others, its marker after
    /// it, the site on the next line under it; then a note counting evidence left out.
    /// </summary>
    public static List<string> Ladder(ReportInput input, Finding f, FindingText text) => Ladder(input, f, new LadderEvents(input, f, text));

    /// <summary>The ladder of <paramref name="f"/> with the rows already <paramref name="picked"/>.</summary>
    static List<string> Ladder(ReportInput input, Finding f, LadderEvents picked)
    {
        var md = input.Metadata;
        var rows = picked.Rows.ToList();
        var agents = rows.Select(r => (int)input.Events[r.Index].Agent).Distinct().Order().ToList();

        var cells = new List<(int Column, string Text, string? Site)>();
        foreach (var (i, marker) in rows)
        {
            var e = input.Events[i];
            string cell = EventText.Describe(md, i, e, input.Events.GetData(i));
            if (marker is not null) cell += "   " + marker;
            cells.Add((agents.IndexOf(e.Agent), cell, EventText.Site(md, e)));
        }

        var widths = new int[agents.Count];
        for (int c = 0; c < agents.Count; c++)
        {
            int longest = Math.Max(EventText.Agent(md, agents[c]).Length, cells.Where(x => x.Column == c).Select(x => x.Text.Length).DefaultIfEmpty(0).Max());
            widths[c] = Math.Max(MinColumnWidth, longest + 3);
        }

        var lines = new List<string> { Row(widths, agents.Select(a => EventText.Agent(md, a)).ToArray()) };
        foreach (var (column, cellText, site) in cells)
        {
            var row = new string[agents.Count];
            for (int c = 0; c < row.Length; c++) row[c] = c == column ? cellText : ".";
            lines.Add(Row(widths, row));
            if (site is not null)
            {
                int indent = widths.Take(column).Sum() + cellText.IndexOf(' ', StringComparison.Ordinal) + 1;
                lines.Add(("  " + new string(' ', indent) + site).TrimEnd());
            }
        }
        foreach (var (agent, hidden) in picked.Hidden)
            lines.Add(string.Create(Inv, $"  note: {hidden} more barriers and sync events of {EventText.Agent(md, agent)} before #{f.Trigger} not shown"));
        return lines;
    }

    static string Row(int[] widths, string[] cells)
    {
        var sb = new StringBuilder("  ");
        for (int c = 0; c < cells.Length; c++)
            sb.Append(c == cells.Length - 1 ? cells[c] : cells[c].PadRight(widths[c]));
        return sb.ToString().TrimEnd();
    }
}
