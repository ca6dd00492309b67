using System.Text.Encodings.Web;
using System.Text.Json;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>The JSON report of cli.md, field for field, written with <see cref="Utf8JsonWriter"/>.</summary>
public static class JsonReport
{
    static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // sites are code locations: keep '+', '<', quotes of C code readable
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the report for <paramref name="groups"/> of <paramref name="input"/> to <paramref name="output"/>.</summary>
    public static void Write(Stream output, ReportInput input, IReadOnlyList<FindingGroup> groups)
    {
        using var w = new Utf8JsonWriter(output, Options);
        var md = input.Metadata;
        w.WriteStartObject();
        w.WriteString("tool", "tracetools");
        w.WriteString("version", CommandLine.Version);
        w.WriteString("trace", input.TracePath);
        w.WriteNumber("events", input.EventCount);
        w.WriteStartArray("agents");
        foreach (var a in md.Agents) w.WriteStringValue(a.Name);
        w.WriteEndArray();
        w.WriteStartArray("findings");
        foreach (var g in groups)
        {
            w.WriteStartObject();
            w.WriteString("kind", g.Kind.Name());
            w.WriteString("severity", g.Severity == Severity.Error ? "error" : "warning");
            w.WriteNumber("count", g.Count);
            w.WriteString("message", new FindingText(md, g.First, input.Events).Message);
            w.WriteStartArray("instances");
            foreach (var f in g.Instances)
            {
                w.WriteStartObject();
                w.WritePropertyName("trigger");
                WriteEvent(w, input, null, f.Trigger);
                w.WriteStartArray("related");
                foreach (var r in f.Related) WriteEvent(w, input, r.Role.Name(), r.Index);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (input.Stats is { } s)
        {
            w.WriteStartObject("stats");
            w.WriteNumber("seconds", s.Seconds);
            w.WriteNumber("events_per_second", s.EventsPerSecond);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary><c>{"role"?, "index", "agent", "op", "addr", "size", "site"}</c>.</summary>
    static void WriteEvent(Utf8JsonWriter w, ReportInput input, string? role, long index)
    {
        var e = input.Events[index];
        w.WriteStartObject();
        if (role is not null) w.WriteString("role", role);
        w.WriteNumber("index", index);
        w.WriteString("agent", EventText.Agent(input.Metadata, e.Agent));
        w.WriteString("op", e.Kind.OpName());
        w.WriteString("addr", EventText.Hex(e.Address));
        w.WriteNumber("size", e.Size);
        if (EventText.Site(input.Metadata, e) is { } site) w.WriteString("site", site);
        else w.WriteNull("site");
        w.WriteEndObject();
    }
}
