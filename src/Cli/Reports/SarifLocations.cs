using System.Text.Json;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// Writes SARIF <c>location</c> objects for trace events, mapping each site form (docs/reports.md):
/// <list type="bullet">
/// <item><c>file:line[:col]</c>: the source file (relative to the checkout, as recorded) and its region, and the
/// function's logical location when the site names one after it (<c>rx.c:120 nic_poll</c>);</item>
/// <item><c>func+0x44/0x1a0 [mod]</c>: a logical location (the function, kind <c>function</c>, fully qualified
/// by the whole site) in the trace file, since no source file is known;</item>
/// <item>free text and no site: the trace file, the text in the location's message.</item>
/// </list>
/// Every location has an <c>artifactLocation</c>, which GitHub code scanning requires, except where the trace file
/// would be named and the trace came from standard input: no file holds it, and SARIF 2.1.0 §3.28.3 says a location
/// with no physical location information has no <c>physicalLocation</c> (a <c>"stdin"</c> URI would be resolved as a
/// file of that name).
/// </summary>
public sealed class SarifLocations(ReportInput input)
{
    /// <summary>The trace file's URI; null when the trace came from standard input.</summary>
    readonly string? _traceUri = input.TraceFromStdin ? null : ArtifactUri(input.TracePath);
    readonly long _traceBytes = input.TraceFromStdin ? -1 : LengthOf(input.TracePath);

    /// <summary>The trace file's length, or -1 (a pipe, or gone).</summary>
    static long LengthOf(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return path != "-" && info.Exists ? info.Length : -1; // a pipe has length 0: no region
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return -1;
        }
    }

    /// <summary>
    /// A path as a SARIF artifact URI: relative paths stay relative (GitHub resolves them against the
    /// checkout), with <c>/</c> separators and escaped characters; absolute paths become <c>file://</c> URIs.
    /// </summary>
    public static string ArtifactUri(string path)
    {
        if (Path.IsPathFullyQualified(path)) return new Uri(path).AbsoluteUri;
        var parts = path.Replace('\\', '/').Split('/');
        return string.Join('/', parts.Select(Uri.EscapeDataString));
    }

    /// <summary>Writes the location of event <paramref name="index"/> (<paramref name="id"/> &lt; 0: no id) with its role in the message.</summary>
    public void Write(Utf8JsonWriter w, int id, long index, string role, string? marker)
    {
        var md = input.Metadata;
        var e = input.Events[index];
        var site = SiteLocation.Parse(EventText.Site(md, e));
        w.WriteStartObject();
        if (id >= 0) w.WriteNumber("id", id);
        if (site.Form == SiteForm.SourceLine || _traceUri is not null) WritePhysical(w, site);
        if (site.Function is not null)
        {
            // A symbol offset's whole site qualifies the function (module and offset); after a source line the
            // function's name is all there is.
            w.WriteStartArray("logicalLocations");
            w.WriteStartObject();
            w.WriteString("name", site.Function);
            w.WriteString("fullyQualifiedName", site.Form == SiteForm.SymbolOffset ? site.Text : site.Function);
            w.WriteString("kind", "function");
            w.WriteEndObject();
            w.WriteEndArray();
        }
        string described = EventText.Describe(md, index, e, input.Events.GetData(index));
        string at = site.Text is null ? "" : $" at {site.Text}";
        w.WriteStartObject("message");
        w.WriteString("text", $"{role}: {described} by {EventText.Agent(md, e.Agent)}{at}{(marker is null ? "" : " " + marker)}");
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteNumber("index", index);
        w.WriteString("role", role);
        w.WriteString("agent", EventText.Agent(md, e.Agent));
        if (site.Text is not null) w.WriteString("site", site.Text);
        if (site.Module is not null) w.WriteString("module", site.Module);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The <c>physicalLocation</c>: the site's source file and line, else the trace file (which must have a URI).</summary>
    void WritePhysical(Utf8JsonWriter w, SiteLocation site)
    {
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", site.Form == SiteForm.SourceLine ? ArtifactUri(site.File!) : _traceUri);
        w.WriteEndObject();
        if (site.Form == SiteForm.SourceLine)
        {
            w.WriteStartObject("region");
            w.WriteNumber("startLine", site.Line);
            w.WriteNumber("endLine", site.Line);
            if (site.Column > 0) w.WriteNumber("startColumn", site.Column);
            w.WriteEndObject();
        }
        else if (_traceBytes > 0)
        {
            // No source is known: the location is the whole trace file (SARIF's minimal whole-artifact region).
            w.WriteStartObject("region");
            w.WriteNumber("byteOffset", 0);
            w.WriteNumber("byteLength", _traceBytes);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
