namespace TraceTools.Tests.Reports;

/// <summary>
/// live-entry-write's ladder shows the fetcher's next fetch of the entry after the store, marked (docs/reports.md): the
/// fetch that may use the changed entry with what the fetcher cached, which the finding is about but does not name.
/// </summary>
[TestClass]
public sealed class NextFetchTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-nextfetch").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    /// <summary>A context entry fetched (#2) and rewritten in place (#3), then <paramref name="after"/>.</summary>
    static string Rewrite(string after) => $"""
        arch x86_64
        cpu cpu0
        device iommu
        table ctx 0x20_0000 entries 256 entry_size 16 granule 8 present bit 0 fetcher iommu
        cpu0:  store ctx[3] + 8 size 8 = 0x1234_5000
        cpu0:  store ctx[3] size 8 = 0x1
        iommu: fetch ctx[3] granule 0
        cpu0:  store ctx[3] + 8 size 8 = 0x6789_a000
        {after}
        """;

    /// <summary>The live-entry-write block's lines.</summary>
    static string[] Ladder(string[] lines) =>
        [.. lines.SkipWhile(l => !l.StartsWith("error[live-entry-write]", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0)];

    [TestMethod]
    [DataRow("iommu: fetch ctx[3] granule 0", "#4 fetch ctx[3] granule 0   <- next fetch of the entry")]
    // The rest of the fetch under way at the store is torn-entry-fetch's; the next one begins at a granule not above it.
    [DataRow("iommu: fetch ctx[3] granule 1\niommu: fetch ctx[3] granule 0", "#5 fetch ctx[3] granule 0   <- next fetch of the entry")]
    // A read of another entry ends the fetcher's run: the entry's granule 1 after it begins a fetch.
    [DataRow("iommu: fetch ctx[3] granule 1\niommu: fetch ctx[4] granule 0\niommu: fetch ctx[3] granule 1", "#6 fetch ctx[3] granule 1   <- next fetch of the entry")]
    public void LiveEntryWrite_FetchedAgain_ShowsTheNextFetchMarked(string after, string row)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Rewrite(after));
        var ladder = Ladder(lines);
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        Assert.AreEqual(row, ladder.Single(l => l.Contains("<- next fetch", StringComparison.Ordinal)) is var shown ? shown[shown.IndexOf('#', StringComparison.Ordinal)..].Trim() : "", all);
    }

    [TestMethod]
    public void LiveEntryWrite_NeverFetchedAgain_ShowsNoNextFetch()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Rewrite("cpu0: barrier mfence"));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        Assert.IsNotEmpty(Ladder(lines), all);
        Assert.IsFalse(all.Contains("<- next fetch", StringComparison.Ordinal), all);
    }
}
