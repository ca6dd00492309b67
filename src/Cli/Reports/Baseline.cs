using System.Text.Json;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// <c>--baseline previous.json</c>: the findings of an earlier JSON report, by identity (kind and sites,
/// <see cref="FindingIdentity"/>), so a run reports only what is new, as CI tools do. Indices and counts
/// do not matter: a finding is old when a group of the baseline has its identity.
/// </summary>
public sealed class Baseline
{
    readonly HashSet<string> _identities;

    Baseline(HashSet<string> identities) => _identities = identities;

    /// <summary>Identities in the baseline.</summary>
    public int Count => _identities.Count;

    /// <summary>Reads a JSON report written by <c>replay --format json</c>; anything else is a <see cref="ReportFileException"/>.</summary>
    public static Baseline Load(string path)
    {
        if (Files.StandardStreams.IsClosedInputPath(path))
            throw new ReportFileException($"{path}: cannot read the baseline: {Files.StandardStreams.InputClosedReason}");
        ReadOnlyMemory<byte> json;
        try
        {
            json = BaselineBytes.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportFileException($"{path}: cannot read the baseline: {Files.FileError.ReadReason(path, e)}");
        }
        catch (BaselineBytes.TooLongValue e)
        {
            throw new ReportFileException($"{path}{LineColumn(e.Json.Span, e.At)}: not a JSON report: a value longer than {BaselineBytes.MaxValueBytes:N0} bytes");
        }
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (FirstBadString(json.Span) is long at)
                throw new ReportFileException($"{path}{LineColumn(json.Span, at)}: not a JSON report: a string is not valid Unicode (invalid UTF-8, or a \\uD800-\\uDFFF escape without its pair)");
            return new Baseline(Identities(doc.RootElement));
        }
        catch (JsonException e)
        {
            // The parser's own message ends in its 0-based position; the line names it as every input error does.
            string reason = e.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd();
            string at = e.LineNumber is long line ? $":{line + 1}:{(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new ReportFileException($"{path}{at}: not a JSON report: {reason}");
        }
        catch (NotAReport e)
        {
            throw new ReportFileException($"{path}: not a tracetools JSON report (replay --format json): {e.Message}");
        }
    }

    /// <summary>
    /// The byte offset of the first string or property name that has no UTF-16 text, or null. The parser takes
    /// invalid UTF-8 and a lone surrogate escape (<c>"\\ud800"</c>) inside strings; only reading the string as text
    /// refuses them, so this pass finds them first, where the file can say at which line and column.
    /// </summary>
    static long? FirstBadString(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 16 });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException)
            {
                return reader.TokenStartIndex;
            }
        }
        return null;
    }

    /// <summary><c>:LINE:COLUMN</c> (1-based, the column in bytes as the parser's errors count it) of byte <paramref name="offset"/>.</summary>
    static string LineColumn(ReadOnlySpan<byte> bytes, long offset)
    {
        var before = bytes[..(int)offset];
        int line = before.Count((byte)'\n') + 1;
        int column = before.Length - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return $":{line}:{column}";
    }

    /// <summary>Valid JSON that is not what <c>replay --format json</c> writes: the message names the field.</summary>
    sealed class NotAReport(string message) : Exception(message);

    static HashSet<string> Identities(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
            throw new NotAReport("no \"findings\" array");
        var set = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var g in findings.EnumerateArray())
        {
            string at = $"findings[{i++}]";
            if (g.ValueKind != JsonValueKind.Object) throw new NotAReport($"{at} is not an object");
            if (g.TryGetProperty("identity", out var id) && id.ValueKind == JsonValueKind.String)
            {
                set.Add(id.GetString()!);
                continue;
            }
            // A report without identities (schema 1): rebuild it from the first instance's sites.
            string kind = Field(g, "kind", JsonValueKind.String, at).GetString()!;
            var instances = Field(g, "instances", JsonValueKind.Array, at);
            if (instances.GetArrayLength() == 0 || instances[0].ValueKind != JsonValueKind.Object)
                throw new NotAReport($"{at}.instances has no first instance");
            var first = instances[0];
            var parts = new List<(string, string)> { ("trigger", SiteOf(Field(first, "trigger", JsonValueKind.Object, $"{at}.instances[0]"))) };
            int k = 0;
            foreach (var r in Field(first, "related", JsonValueKind.Array, $"{at}.instances[0]").EnumerateArray())
            {
                string rel = $"{at}.instances[0].related[{k++}]";
                if (r.ValueKind != JsonValueKind.Object) throw new NotAReport($"{rel} is not an object");
                parts.Add((Field(r, "role", JsonValueKind.String, rel).GetString()!, SiteOf(r)));
            }
            set.Add(FindingIdentity.Of(kind, parts));
        }
        return set;
    }

    /// <summary>The field <paramref name="name"/> of <paramref name="e"/>, which must be of kind <paramref name="kind"/>.</summary>
    static JsonElement Field(JsonElement e, string name, JsonValueKind kind, string at)
    {
        if (!e.TryGetProperty(name, out var v)) throw new NotAReport($"{at} has no \"{name}\"");
        if (v.ValueKind != kind) throw new NotAReport($"{at}.{name} is {v.ValueKind.ToString().ToLowerInvariant()}, not {kind.ToString().ToLowerInvariant()}");
        return v;
    }

    static string SiteOf(JsonElement e) =>
        e.TryGetProperty("site", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "-";

    /// <summary>Splits <paramref name="findings"/> into the new ones and the count already in the baseline, from their events' sites read before.</summary>
    public (IReadOnlyList<Finding> New, int Known) Apply(IReadOnlyList<Finding> findings, EventSites sites, TraceMetadata md)
    {
        var fresh = new KeptFindings(findings);
        int known = 0;
        for (int i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            if (_identities.Contains(FindingIdentity.Of(f, sites, md))) known++;
            else fresh.Keep(i, findings);
        }
        return (fresh.Findings, known);
    }
}
