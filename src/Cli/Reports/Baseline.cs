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
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportFileException($"{path}: cannot read the baseline: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
            return new Baseline(Identities(doc.RootElement));
        }
        catch (JsonException e)
        {
            throw new ReportFileException($"{path}: not a JSON report: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new ReportFileException($"{path}: not a tracetools JSON report (replay --format json): {e.Message}");
        }
    }

    static HashSet<string> Identities(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
            throw new InvalidOperationException("no \"findings\" array");
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in findings.EnumerateArray())
        {
            if (g.TryGetProperty("identity", out var id) && id.ValueKind == JsonValueKind.String)
            {
                set.Add(id.GetString()!);
                continue;
            }
            // A report without identities (schema 1): rebuild it from the first instance's sites.
            string kind = g.GetProperty("kind").GetString()!;
            var first = g.GetProperty("instances")[0];
            var parts = new List<(string, string)> { ("trigger", SiteOf(first.GetProperty("trigger"))) };
            foreach (var r in first.GetProperty("related").EnumerateArray())
                parts.Add((r.GetProperty("role").GetString()!, SiteOf(r)));
            set.Add(FindingIdentity.Of(kind, parts));
        }
        return set;
    }

    static string SiteOf(JsonElement e) =>
        e.TryGetProperty("site", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "-";

    /// <summary>Splits <paramref name="findings"/> into the new ones and the count already in the baseline.</summary>
    public (List<Finding> New, int Known) Apply(IReadOnlyList<Finding> findings, IEventLookup events, TraceMetadata md)
    {
        var fresh = new List<Finding>(findings.Count);
        int known = 0;
        foreach (var f in findings)
        {
            if (_identities.Contains(FindingIdentity.Of(f, events, md))) known++;
            else fresh.Add(f);
        }
        return (fresh, known);
    }
}
