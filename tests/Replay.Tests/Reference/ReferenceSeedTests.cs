using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>The reference must give exactly the findings the seed cases state, and none for their fixes.</summary>
[TestClass]
public sealed class ReferenceSeedTests
{
    static string Run(RefTrace t) => string.Join(" ", ReferenceModel.Run(t));

    [TestMethod]
    public void Reference_HisiQmBarrierAfterDoorbell_StaleDmaReadWithStoreAndPublish() =>
        Assert.AreEqual("stale-dma-read@3[store=0,publish=1]", Run(SeedCases.HisiQm()));

    [TestMethod]
    [DataRow(Arch.Arm64, true)]
    [DataRow(Arch.X86_64, false)]
    [DataRow(Arch.X86_64, true)]
    [DataRow(Arch.Sc, false)]
    public void Reference_HisiQmFixedOrTso_NoFinding(Arch arch, bool fixedOrder) =>
        Assert.AreEqual("", Run(SeedCases.HisiQm(arch, fixedOrder)));

    [TestMethod]
    public void Reference_HisiQmOnRiscvWithDmaWmbAfterDoorbell_StaleDmaRead() =>
        Assert.AreEqual("stale-dma-read@3[store=0,publish=1]", Run(SeedCases.HisiQm(Arch.Riscv64)));

    [TestMethod]
    public void Reference_VtdPasidClearAndMangle_TornFetchAndMissingFlush() =>
        Assert.AreEqual("missing-flush-after-clear@4[clear=3] torn-entry-fetch@5[first-granule=2,store=4]", Run(SeedCases.VtdPasid()));

    [TestMethod]
    public void Reference_VtdPasidWithFlush_NoFinding() =>
        Assert.AreEqual("", Run(SeedCases.VtdPasid(withFlush: true)));

    [TestMethod]
    public void Reference_ContextEntryWithoutBarrier_PresentBeforePayload() =>
        Assert.AreEqual("present-before-payload@1[payload=0]", Run(SeedCases.ContextEntry()));

    [TestMethod]
    public void Reference_ContextEntryWithDmaWmb_NoFinding() =>
        Assert.AreEqual("", Run(SeedCases.ContextEntry(withBarrier: true)));
}
