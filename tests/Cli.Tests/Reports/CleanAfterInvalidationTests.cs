namespace TraceTools.Tests.Reports;

/// <summary>
/// discarded-store's ladder shows the cpu's cache maintenance and marks a clean made after the invalidation that
/// discarded the store (docs/reports.md): the engineer who did clean sees why it did not count.
/// </summary>
[TestClass]
public sealed class CleanAfterInvalidationTests
{
    string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("tt-cleanafterinval").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    static string Prep(string between, string after) => $"""
        arch arm64
        cpu cpu0
        ram  buf 0x40000000 size 0x80
        cpu0: store buf size 16 = 0x1234
        {between}
        cpu0: cache_inval buf size 0x40
        {after}
        cpu0: load buf size 16
        """;

    [TestMethod]
    [DataRow("cpu0: cache_clean buf size 0x40", "#2 cache_clean buf+0x0 size 64   <- after the invalidation #1")]
    [DataRow("cpu0: cache_flush buf size 0x40", "#2 cache_flush buf+0x0 size 64   <- after the invalidation #1")]
    [DataRow("cpu0: cache_clean buf + 0x40 size 0x40", "#2 cache_clean buf+0x40 size 64")] // another line: shown, not marked
    public void DiscardedStore_MaintenanceAfterTheInvalidation_ShownAndMarkedWhenItHoldsTheLostBytes(string after, string row)
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Prep("", after));
        string all = string.Join("\n", lines);
        Assert.AreEqual(1, exit, all);
        StringAssert.Contains(all, "error[discarded-store]");
        Assert.AreEqual(row, lines.Single(l => l.Contains("#2 ", StringComparison.Ordinal)).Trim(), all);
    }

    [TestMethod]
    public void DiscardedStore_TheCleanMovedBeforeTheInvalidation_IsClean()
    {
        var (exit, lines) = ScenarioReplay.Of(_dir, Prep("cpu0: cache_clean buf size 0x40", ""));
        Assert.AreEqual(0, exit, string.Join("\n", lines));
    }
}
