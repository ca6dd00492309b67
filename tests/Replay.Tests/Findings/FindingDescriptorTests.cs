using TraceTools.Detectors;
using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Findings;

[TestClass]
public sealed class FindingDescriptorTests
{
    [TestMethod]
    public void Describe_EveryKind_DescriptorOfThatKindWithNameRolesAndSummary()
    {
        foreach (var kind in FindingKinds.All)
        {
            var d = kind.Describe();
            Assert.AreEqual(kind, d.Kind, $"descriptor at {(int)kind}");
            Assert.AreEqual(d.Name, kind.Name());
            Assert.AreEqual(d.Severity, kind.Severity());
            Assert.IsTrue(d.Roles.Count is >= 1 and <= 3, $"{d.Name}: {d.Roles.Count} roles");
            Assert.IsTrue(d.Summary.EndsWith('.') && d.Summary.Length > 20, $"{d.Name}: summary '{d.Summary}'");
            Assert.IsTrue(FindingKinds.TryParse(d.Name, out var parsed) && parsed == kind, d.Name);
        }
        Assert.AreEqual(FindingKinds.All.Length, FindingKinds.AllNames.Distinct().Count());
    }

    [TestMethod]
    [DataRow(FindingKind.StaleDmaRead, "store,publish")]
    [DataRow(FindingKind.StaleCpuRead, "dma-write,acquire")]
    [DataRow(FindingKind.DmaRace, "other")]
    [DataRow(FindingKind.TornEntryFetch, "first-granule,store")]
    [DataRow(FindingKind.MissingFlushAfterClear, "clear")]
    [DataRow(FindingKind.PresentBeforePayload, "payload")]
    [DataRow(FindingKind.TornEntryUpdate, "earlier-store")]
    [DataRow(FindingKind.MissingCacheClean, "store")]
    [DataRow(FindingKind.MissingCacheInvalidate, "dma-write")]
    public void Roles_AsCliMdSpellsThem_InModelOrder(FindingKind kind, string roles) =>
        Assert.AreEqual(roles, string.Join(",", kind.Describe().Roles.Select(r => r.Name())));

    [TestMethod]
    public void RelatedRoles_EveryRole_NameParsesBack()
    {
        foreach (var role in Enum.GetValues<RelatedRole>())
            Assert.AreEqual(role, RelatedRoles.Parse(role.Name()));
        Assert.IsFalse(RelatedRoles.TryParse("Store", out _));
        Assert.ThrowsExactly<ArgumentException>(() => RelatedRoles.Parse("publisher"));
    }

    [TestMethod]
    public void DetectorRegistry_Modules_OnePerKindInModelOrder() =>
        CollectionAssert.AreEqual(FindingKinds.All, DetectorRegistry.Modules.Select(m => m.Kind).ToArray());
}
