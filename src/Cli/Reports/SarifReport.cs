using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// SARIF 2.1.0 (cli.md): one result per group, <c>ruleId</c> = kind, <c>level</c> from severity,
/// <c>locations</c> from the trigger's site when it looks like <c>file:line</c>, <c>relatedLocations</c>
/// from the related events, <c>tool.driver.name</c> = tracetools with a rule per kind.
/// </summary>
public static partial class SarifReport
{
    /// <summary>The SARIF schema the output follows.</summary>
    public const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A site naming a source line: <c>pasid.c:212</c>, <c>drivers/iommu/intel/pasid.c:212:5</c>.</summary>
    [GeneratedRegex(@"^(?<file>[^\s:]+\.[A-Za-z0-9_]+):(?<line>[1-9][0-9]{0,8})(:[0-9]+)?$")]
    private static partial Regex FileLine();

    /// <summary>The file and line a site names, or null when it is not <c>file:line</c>.</summary>
    public static (string File, int Line)? ParseFileLine(string? site)
    {
        if (site is null) return null;
        var m = FileLine().Match(site);
        return m.Success ? (m.Groups["file"].Value, int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>Writes the SARIF log for <paramref name="groups"/> of <paramref name="input"/>.</summary>
    public static void Write(Stream output, ReportInput input, IReadOnlyList<FindingGroup> groups)
    {
        using var w = new Utf8JsonWriter(output, Options);
        w.WriteStartObject();
        w.WriteString("$schema", Schema);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();
        WriteTool(w);
        w.WriteStartArray("results");
        foreach (var g in groups) WriteResult(w, input, g);
        w.WriteEndArray();
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
        w.WriteStartArray("rules");
        foreach (var k in FindingKinds.All)
        {
            w.WriteStartObject();
            w.WriteString("id", k.Name());
            w.WriteStartObject("shortDescription");
            w.WriteString("text", k.Describe().Summary);
            w.WriteEndObject();
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", Level(k.Severity()));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    static void WriteResult(Utf8JsonWriter w, ReportInput input, FindingGroup g)
    {
        var md = input.Metadata;
        var f = g.First;
        var text = new FindingText(md, f, input.Events);
        w.WriteStartObject();
        w.WriteString("ruleId", g.Kind.Name());
        w.WriteNumber("ruleIndex", (int)g.Kind);
        w.WriteString("level", Level(g.Severity));
        w.WriteStartObject("message");
        w.WriteString("text", $"{text.Message}. help: {text.Help}");
        w.WriteEndObject();

        var trigger = input.Events[f.Trigger];
        if (ParseFileLine(EventText.Site(md, trigger)) is { } at)
        {
            w.WriteStartArray("locations");
            w.WriteStartObject();
            WritePhysical(w, at);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteStartArray("relatedLocations");
        for (int k = 0; k < f.Related.Length; k++)
        {
            var r = f.Related[k];
            var e = input.Events[r.Index];
            string? site = EventText.Site(md, e);
            w.WriteStartObject();
            w.WriteNumber("id", k);
            if (ParseFileLine(site) is { } rat) WritePhysical(w, rat);
            w.WriteStartObject("message");
            w.WriteString("text", $"{r.Role.Name()}: {EventText.Describe(md, r.Index, e, input.Events.GetData(r.Index))} by {EventText.Agent(md, e.Agent)}{(site is null ? "" : $" at {site}")}");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("properties");
        w.WriteNumber("count", g.Count);
        w.WriteNumber("triggerIndex", f.Trigger);
        w.WriteString("triggerAgent", EventText.Agent(md, trigger.Agent));
        if (EventText.Site(md, trigger) is { } ts) w.WriteString("triggerSite", ts);
        w.WriteStartArray("instances");
        foreach (var i in g.Instances) w.WriteNumberValue(i.Trigger);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    static void WritePhysical(Utf8JsonWriter w, (string File, int Line) at)
    {
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", at.File);
        w.WriteEndObject();
        w.WriteStartObject("region");
        w.WriteNumber("startLine", at.Line);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
