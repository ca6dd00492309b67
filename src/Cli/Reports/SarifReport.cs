using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// SARIF 2.1.0 that GitHub code scanning accepts (docs/reports.md): one result per group, <c>ruleId</c> =
/// kind, <c>level</c> from severity; the primary location is the cpu-side event the fix goes to
/// (<see cref="FindingText.FixAt"/>), the other events of the finding are related locations; every location
/// has an <c>artifactLocation</c> (<see cref="SarifLocations"/> maps the site forms); rules carry the
/// rule, the fix and a link into docs/model.md. Groups <c>--suppressions</c> left out are results too, each with a
/// <c>suppressions</c> entry (kind <c>external</c>, status <c>accepted</c>, the file's reason as justification), so
/// code scanning shows them as dismissed rather than losing them.
/// </summary>
public static class SarifReport
{
    /// <summary>The SARIF schema the output follows.</summary>
    public const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The key of <c>partialFingerprints</c>: kind and sites, the identity <c>--baseline</c> uses too.</summary>
    public const string FingerprintKey = "tracetoolsFinding/v1";

    static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file and line a site names, or null when it is not <c>file:line[:col]</c>.</summary>
    public static (string File, int Line)? ParseFileLine(string? site) =>
        SiteLocation.Parse(site) is { Form: SiteForm.SourceLine } s ? (s.File!, s.Line) : null;

    /// <summary>
    /// Writes the SARIF log for <paramref name="groups"/> of <paramref name="input"/> and, marked suppressed,
    /// <paramref name="suppressed"/>; results in the order of their first instance's trigger.
    /// </summary>
    public static void Write(Stream output, ReportInput input, IReadOnlyList<FindingGroup> groups, IReadOnlyList<SuppressedGroup>? suppressed = null)
    {
        using var w = new Utf8JsonWriter(output, Options);
        w.WriteStartObject();
        w.WriteString("$schema", Schema);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();
        WriteTool(w);
        w.WriteStartArray("results");
        var locations = new SarifLocations(input);
        var results = groups.Select(g => (Group: g, Entry: (Suppressions.Entry?)null))
            .Concat((suppressed ?? []).Select(s => (s.Group, (Suppressions.Entry?)s.Entry)))
            .OrderBy(r => r.Group.First.Trigger).ThenBy(r => r.Group.Kind);
        var ordered = results.ToList();
        foreach (var ((g, entry), text) in ordered.Zip(FindingText.InBlocks(input, ordered.Select(r => r.Group.First))))
        {
            WriteResult(w, input, locations, g, entry, text);
            JsonReport.FlushWhenFull(w);
        }
        w.WriteEndArray();
        w.WriteStartObject("properties");
        w.WriteString("trace", input.TracePath);
        w.WriteString("arch", input.Metadata.Arch.Name());
        w.WriteNumber("events", input.EventCount);
        if (input.Suppressed > 0) w.WriteNumber("suppressed", input.Suppressed);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    static string Level(Severity s) => s == Severity.Error ? "error" : "warning";

    static void WriteTool(Utf8JsonWriter w)
    {
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "tracetools");
        w.WriteString("version", CommandLine.Version);
        w.WriteString("semanticVersion", CommandLine.Version);
        w.WriteString("informationUri", ToolInfo.RepositoryUrl);
        w.WriteStartArray("rules");
        foreach (var k in FindingKinds.All)
        {
            var rule = RuleText.Of(k);
            w.WriteStartObject();
            w.WriteString("id", k.Name());
            w.WriteString("name", RuleName(k));
            w.WriteStartObject("shortDescription");
            w.WriteString("text", rule.Short);
            w.WriteEndObject();
            w.WriteStartObject("fullDescription");
            w.WriteString("text", rule.Full);
            w.WriteEndObject();
            w.WriteStartObject("help");
            w.WriteString("text", rule.HelpText);
            w.WriteString("markdown", rule.HelpMarkdown);
            w.WriteEndObject();
            w.WriteString("helpUri", rule.HelpUri);
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", Level(k.Severity()));
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteStartArray("tags");
            w.WriteStringValue("memory-ordering");
            w.WriteStringValue("dma");
            w.WriteEndArray();
            w.WriteString("precision", "high");
            w.WriteString("problem.severity", Level(k.Severity()));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary><c>StaleDmaRead</c>: the rule's name in SARIF (its id is the kind's report name).</summary>
    static string RuleName(FindingKind k) =>
        string.Concat(k.Name().Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    static void WriteResult(Utf8JsonWriter w, ReportInput input, SarifLocations locations, FindingGroup g, Suppressions.Entry? suppressedBy, FindingText text)
    {
        var md = input.Metadata;
        var f = g.First;
        long fixAt = text.FixAt;
        w.WriteStartObject();
        w.WriteString("ruleId", g.Kind.Name());
        w.WriteNumber("ruleIndex", (int)g.Kind);
        w.WriteString("level", Level(g.Severity));
        // The related locations get ids in this order; the message links to them ("[store #0](1)"), which
        // GitHub shows as links to those lines.
        var related = new List<(long Index, string Role, string? Marker)>();
        if (f.Trigger != fixAt) related.Add((f.Trigger, "trigger", text.Marker));
        foreach (var r in f.Related)
            if (r.Index != fixAt && r.Index >= 0) related.Add((r.Index, EventText.Role(r), null));
        string links = string.Join(", ", related.Select((r, id) => $"[{r.Role} #{r.Index}]({id})"));
        w.WriteStartObject("message");
        w.WriteString("text", $"{EscapeBrackets(text.Message)}. help: {EscapeBrackets(text.Help)}{(links.Length > 0 ? ". See " + links : "")}");
        w.WriteEndObject();

        w.WriteStartArray("locations");
        locations.Write(w, -1, fixAt, f.Trigger == fixAt ? "trigger" : RoleOf(f, fixAt), f.Trigger == fixAt ? text.Marker : null);
        w.WriteEndArray();

        w.WriteStartArray("relatedLocations");
        for (int id = 0; id < related.Count; id++) locations.Write(w, id, related[id].Index, related[id].Role, related[id].Marker);
        w.WriteEndArray();

        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, Fingerprint(FindingIdentity.Of(f, input.Events, md)));
        w.WriteEndObject();

        if (suppressedBy is not null) WriteSuppression(w, suppressedBy);

        w.WriteStartObject("properties");
        w.WriteNumber("count", g.Count);
        w.WriteNumber("triggerIndex", f.Trigger);
        w.WriteNumber("fixIndex", fixAt);
        w.WriteString("help", text.Help);
        w.WriteStartArray("instances");
        foreach (var i in g.Instances) w.WriteNumberValue(i.Trigger);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The result's <c>suppressions</c>: kept outside the source (the suppressions file), decided, with the file's reason.</summary>
    static void WriteSuppression(Utf8JsonWriter w, Suppressions.Entry entry)
    {
        w.WriteStartArray("suppressions");
        w.WriteStartObject();
        w.WriteString("kind", "external");
        w.WriteString("status", "accepted");
        if (entry.Reason is { } reason) w.WriteString("justification", reason);
        w.WriteStartObject("properties");
        w.WriteNumber("line", entry.Line);
        w.WriteString("site", entry.Site);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    static string RoleOf(Finding f, long index)
    {
        foreach (var r in f.Related) if (r.Index == index) return EventText.Role(r);
        return "event";
    }

    /// <summary>SARIF messages treat <c>[text](id)</c> as a link: literal brackets (<c>pasid[7]</c>) are escaped (§3.11.6).</summary>
    static string EscapeBrackets(string text) =>
        text.Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);

    /// <summary>A stable hash of a finding's identity (kind and sites), hex.</summary>
    public static string Fingerprint(string identity) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 16));
}
