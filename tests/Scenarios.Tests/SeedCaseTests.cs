using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>The exact event streams of the three seed cases of scenario-language.md.</summary>
[TestClass]
public sealed class SeedCaseTests
{
    static EventBatch Sample(string name) =>
        Gen.Events(Scenarios.ScenarioCompiler.CompileFile(Path.Combine(Repo.SamplesDir, name)));

    static void AssertEvent(EventBatch b, int i, EventKind kind, int agent, ulong address, int size, uint aux = 0)
    {
        Assert.AreEqual(kind, b.Kinds[i], $"kind of #{i}");
        Assert.AreEqual(agent, (int)b.Agents[i], $"agent of #{i}");
        Assert.AreEqual(address, b.Addresses[i], $"address of #{i}");
        Assert.AreEqual(size, b.Sizes[i], $"size of #{i}");
        Assert.AreEqual(aux, b.Aux[i], $"aux of #{i}");
    }

    [TestMethod]
    public void HisiQmMailbox_Events_AreStoreDoorbellBarrierRead()
    {
        var s = Scenarios.ScenarioCompiler.CompileFile(Path.Combine(Repo.SamplesDir, "hisi-qm-mailbox.scn"));
        var b = Gen.Events(s);
        Assert.AreEqual(4, b.Count);
        AssertEvent(b, 0, EventKind.Store, 0, 0x8000_0000, 0x40);
        AssertEvent(b, 1, EventKind.MmioWrite, 0, 0xfe00_0000, 16);
        CollectionAssert.AreEqual(new byte[] { 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, b.GetData(1).ToArray());
        AssertEvent(b, 2, EventKind.Barrier, 0, 0, 0, BarrierCode.Arm64(false, 4).Value);
        AssertEvent(b, 3, EventKind.DmaRead, 1, 0x8000_0000, 0x40);
        CollectionAssert.AreEqual(b.GetData(0).ToArray(), b.GetData(3).ToArray(), "the device reads what the memcpy stored");
        Assert.AreEqual(64, b.GetData(0).Length);
        CollectionAssert.AreEqual(new[] { "qm_set_and_get_xqc: memcpy", "qm_mb_write: stp", "qm_mb_write: dmb oshst", "qm: mailbox fetch" }, s.Metadata.Sites.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3 }, b.Sites.AsSpan(0, 4).ToArray());
        Assert.AreEqual("hisi_qm mailbox: dmb oshst after the stp doorbell", s.Metadata.Name);
        Assert.AreEqual(new Scenarios.Expectation(Scenarios.ExpectationKind.Exactly, "stale-dma-read", 1, 17, 1), s.Expectations.Single());
    }

    [TestMethod]
    public void VtdPasidClearMangle_Events_ShowTheTornFetch()
    {
        var b = Sample("vtd-pasid-clear-mangle.scn");
        Assert.AreEqual(6, b.Count);
        const ulong e7 = 0x10_0000 + 7 * 64;
        AssertEvent(b, 0, EventKind.Store, 0, e7, 8);
        Assert.AreEqual(1UL, Gen.Value(b, 0));
        AssertEvent(b, 1, EventKind.Store, 0, e7 + 16, 8);
        Assert.AreEqual(0xaaaaUL, Gen.Value(b, 1));
        AssertEvent(b, 2, EventKind.Fetch, 1, e7, 16, 0);
        CollectionAssert.AreEqual(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, b.GetData(2).ToArray());
        AssertEvent(b, 3, EventKind.Store, 0, e7, 8);
        Assert.AreEqual(0UL, Gen.Value(b, 3));
        AssertEvent(b, 4, EventKind.Store, 0, e7 + 16, 8);
        Assert.AreEqual(0xbbbbUL, Gen.Value(b, 4));
        AssertEvent(b, 5, EventKind.Fetch, 1, e7 + 16, 16, 1);
        CollectionAssert.AreEqual(new byte[] { 0xbb, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, b.GetData(5).ToArray());
    }

    [TestMethod]
    public void VtdContextPresentBeforePayload_Events_ArePayloadPresentFetch()
    {
        var b = Sample("vtd-context-present-before-payload.scn");
        Assert.AreEqual(3, b.Count);
        const ulong e3 = 0x20_0000 + 3 * 16;
        AssertEvent(b, 0, EventKind.Store, 0, e3 + 8, 8);
        Assert.AreEqual(0x1234_5000UL, Gen.Value(b, 0));
        AssertEvent(b, 1, EventKind.Store, 0, e3, 8);
        Assert.AreEqual(1UL, Gen.Value(b, 1));
        AssertEvent(b, 2, EventKind.Fetch, 1, e3, 16, 0);
        CollectionAssert.AreEqual(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x34, 0x12, 0, 0, 0, 0 }, b.GetData(2).ToArray());
    }

    [TestMethod]
    [DataRow("hisi-qm-mailbox-fixed.scn", new[] { EventKind.Store, EventKind.Barrier, EventKind.MmioWrite, EventKind.DmaRead })]
    [DataRow("vtd-pasid-clear-mangle-fixed.scn", new[] { EventKind.Store, EventKind.Store, EventKind.Fetch, EventKind.Fetch, EventKind.Store, EventKind.DevInvalidate, EventKind.Store })]
    [DataRow("vtd-context-present-before-payload-fixed.scn", new[] { EventKind.Store, EventKind.Barrier, EventKind.Store, EventKind.Fetch })]
    public void FixedVariant_Events_HaveTheFixInPlace(string name, EventKind[] kinds)
    {
        var b = Sample(name);
        CollectionAssert.AreEqual(kinds, b.Kinds.AsSpan(0, b.Count).ToArray());
    }
}
