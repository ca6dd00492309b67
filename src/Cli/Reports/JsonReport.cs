using System.Text.Encodings.Web;
using System.Text.Json;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// The JSON report of cli.md, field for field, plus (docs/report.schema.json, schema 2): <c>schema</c>, the
/// trace's <c>arch</c>, suppressed and baseline counts, each group's <c>help</c>, rule link and identity, and
/// each event's region-relative <c>where</c>, a write's <c>value</c> and a firmware event's <c>registers</c>. Written with <see cref="Utf8JsonWriter"/>.
/// </summary>
public static class JsonReport
{
    /// <summary>The report's schema version (<c>"schema"</c>): raised when a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 2;

    static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // sites are code locations: keep '+', '<', quotes of C code readable
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Bytes a report's writer holds before it passes them on.</summary>
    const int FlushBytes = 1 << 16;

    /// <summary>
    /// Passes what <paramref name="w"/> holds to its stream once it holds <see cref="FlushBytes"/>: the writer keeps
    /// everything until flushed, so a report was built whole in memory (a 147 MB JSON report: 520 MB resident to a
    /// file). Called per instance and per group, by the SARIF writer too.
    /// </summary>
    internal static void FlushWhenFull(Utf8JsonWriter w)
    {
        if (w.BytesPending >= FlushBytes) w.Flush();
    }

    /// <summary>Writes the report for <paramref name="groups"/> of <paramref name="input"/> to <paramref name="output"/>.</summary>
    public static void Write(Stream output, ReportInput input, IReadOnlyList<FindingGroup> groups)
    {
        using var w = new Utf8JsonWriter(output, Options);
        var md = input.Metadata;
        w.WriteStartObject();
        w.WriteString("tool", "tracetools");
        w.WriteString("version", CommandLine.Version);
        w.WriteNumber("schema", SchemaVersion);
        w.WriteString("trace", input.TracePath);
        w.WriteString("arch", md.Arch.Name());
        w.WriteNumber("events", input.EventCount);
        w.WriteStartArray("agents");
        foreach (var a in md.Agents) w.WriteStringValue(a.Name);
        w.WriteEndArray();
        w.WriteStartArray("findings");
        var texts = FindingText.InBlocks(input, groups.Select(g => g.First));
        foreach (var (g, text) in groups.Zip(texts))
        {
            w.WriteStartObject();
            w.WriteString("kind", g.Kind.Name());
            w.WriteString("severity", g.Severity == Severity.Error ? "error" : "warning");
            w.WriteNumber("count", g.Count);
            w.WriteString("message", text.Message);
            w.WriteString("help", text.Help);
            w.WriteString("help_uri", RuleText.Of(g.Kind).HelpUri);
            w.WriteString("identity", FindingIdentity.Of(g.First, input.Events, md));
            w.WriteStartArray("instances");
            foreach (var f in g.Instances)
            {
                w.WriteStartObject();
                w.WriteNumber("fix", new FindingText(md, f, input.Events) { Fixes = input.Fixes }.FixAt);
                w.WritePropertyName("trigger");
                WriteEvent(w, input, null, f.Trigger);
                w.WriteStartArray("related");
                foreach (var r in f.Related) WriteEvent(w, input, r.Role.Name(), r.Index);
                w.WriteEndArray();
                w.WriteEndObject();
                FlushWhenFull(w);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (input.Suppressed > 0) w.WriteNumber("suppressed", input.Suppressed);
        if (input.InBaseline > 0) w.WriteNumber("in_baseline", input.InBaseline);
        if (input.Stats is { } s)
        {
            w.WriteStartObject("stats");
            w.WriteNumber("seconds", s.Seconds);
            w.WriteNumber("events_per_second", s.EventsPerSecond);
            s.WritePhases(w);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// <c>{"role"?, "index", "agent", "op", "addr", "where"?, "size", "value"?, "registers"?, "site"}</c>: the contract's
    /// event, with the value a write's ladder row shows (<see cref="EventText.ShowsValue"/>) and a firmware call's or
    /// return's x0..x17, which the smccc kinds are about.
    /// </summary>
    static void WriteEvent(Utf8JsonWriter w, ReportInput input, string? role, long index)
    {
        var e = input.Events[index];
        var data = input.Events.GetData(index);
        w.WriteStartObject();
        if (role is not null) w.WriteString("role", role);
        w.WriteNumber("index", index);
        w.WriteString("agent", EventText.Agent(input.Metadata, e.Agent));
        w.WriteString("op", e.Kind.OpName());
        w.WriteString("addr", EventText.Hex(e.Address));
        if (EventText.HasAddress(e)) w.WriteString("where", EventText.Where(input.Metadata, e.Address));
        w.WriteNumber("size", e.Size);
        if (EventText.ShowsValue(input.Metadata, e, data)) w.WriteString("value", LittleEndianHex(data));
        if (e.Kind is EventKind.FirmwareCall or EventKind.FirmwareReturn && data.Length == EventKinds.RegisterBytes)
        {
            w.WriteStartArray("registers");
            for (int r = 0; r < EventKinds.RegisterBytes / 8; r++) w.WriteStringValue(EventText.Hex(FirmwareSteps.Register(data, r)));
            w.WriteEndArray();
        }
        if (EventText.Site(input.Metadata, e) is { } site) w.WriteString("site", site);
        else w.WriteNull("site");
        w.WriteEndObject();
    }

    /// <summary>
    /// Written bytes as the little-endian number they store, in hex without leading zeros (<c>0x80000000</c> for a
    /// 16-byte <c>stp</c> of 0x80000000 and 0): any width, as an MMIO write of a register pair is.
    /// </summary>
    static string LittleEndianHex(ReadOnlySpan<byte> data)
    {
        int top = data.Length - 1;
        while (top > 0 && data[top] == 0) top--;
        var sb = new System.Text.StringBuilder("0x", 2 + 2 * (top + 1));
        sb.Append(data[top].ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        for (int i = top - 1; i >= 0; i--) sb.Append(data[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        return sb.ToString();
    }
}
