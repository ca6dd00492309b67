using System.Text.Json;
using System.Text.RegularExpressions;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Export;

/// <summary>
/// docs/export.md names the <c>args</c> of every event and finding slice and the keys of <c>otherData</c>; this keeps
/// those lists equal to what <c>export</c> writes over every sample (which together use every event field), so a
/// field added to the exporter and not to the doc, or dropped from it, fails here.
/// </summary>
[TestClass]
public sealed partial class ExportDocTests
{
    static string s_doc = null!;
    static ExportedKeys s_written = null!;

    /// <summary>The keys written over every sample's export, plus one export with a window that ends.</summary>
    sealed record ExportedKeys(SortedSet<string> EventArgs, SortedSet<string> FindingArgs, SortedSet<string> OtherData);

    [ClassInitialize]
    public static void ExportEverySample(TestContext _)
    {
        s_doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "export.md"));
        var keys = new ExportedKeys([], [], []);
        string dir = Directory.CreateTempSubdirectory("tt-exportdoc-").FullName;
        try
        {
            var samples = Directory.GetFiles(RepoPaths.Samples, "*.scn").Order(StringComparer.Ordinal).ToList();
            Assert.IsGreaterThan(10, samples.Count);
            foreach (var scn in samples)
            {
                string trace = Path.Combine(dir, Path.GetFileNameWithoutExtension(scn) + ".trace");
                var gen = RepoPaths.Run("gen", scn, "-o", trace);
                Assert.AreEqual(0, gen.Exit, gen.Err);
                Collect(Export(trace, dir), keys);
            }
            // A window that ends adds window_end (the whole trace has none).
            Collect(Export(Path.Combine(dir, "hisi-qm-mailbox.trace"), dir, "--from", "0", "--count", "2"), keys);
        }
        finally { Directory.Delete(dir, recursive: true); }
        s_written = keys;
    }

    static string Export(string trace, string dir, params string[] window)
    {
        string json = Path.Combine(dir, "out.json");
        var export = RepoPaths.Run(["export", trace, "--format", "perfetto", "-o", json, "--quiet", .. window]);
        Assert.AreEqual(0, export.Exit, export.Err);
        return File.ReadAllText(json);
    }

    static void Collect(string json, ExportedKeys keys)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var record in doc.RootElement.GetProperty("traceEvents").EnumerateArray())
        {
            if (!record.TryGetProperty("cat", out var cat) || !record.TryGetProperty("args", out var args)) continue;
            var into = cat.GetString() switch { "event" => keys.EventArgs, "finding" => keys.FindingArgs, _ => null };
            if (into is null) continue;
            foreach (var p in args.EnumerateObject()) into.Add(p.Name);
        }
        foreach (var p in doc.RootElement.GetProperty("otherData").EnumerateObject()) keys.OtherData.Add(p.Name);
    }

    /// <summary>The `code` names in the doc between <paramref name="after"/> and the next <paramref name="until"/>.</summary>
    static SortedSet<string> NamesIn(string after, string until)
    {
        int start = s_doc.IndexOf(after, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, $"docs/export.md has no '{after}'");
        start += after.Length;
        int end = s_doc.IndexOf(until, start, StringComparison.Ordinal);
        Assert.IsGreaterThan(start, end, $"docs/export.md has no '{until}' after '{after}'");
        return [.. CodeName().Matches(s_doc[start..end]).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex("`([a-z_]+)`")]
    private static partial Regex CodeName();

    [TestMethod]
    public void EventArgs_TheDocsTable_NamesExactlyWhatExportWrites() =>
        CollectionAssert.AreEqual(s_written.EventArgs.ToList(), NamesIn("with `args`:", "|\n").ToList());

    [TestMethod]
    public void FindingArgs_TheDocsTable_NamesExactlyWhatExportWrites() =>
        CollectionAssert.AreEqual(s_written.FindingArgs.ToList(), NamesIn("both with `args`", ", and flow arrows").ToList());

    [TestMethod]
    public void OtherData_TheDoc_NamesExactlyWhatExportWrites() =>
        CollectionAssert.AreEqual(s_written.OtherData.ToList(), NamesIn("`otherData` holds", ".\n").ToList());
}
