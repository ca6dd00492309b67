using System.Text.RegularExpressions;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>The samples together use every op, every barrier kind of every arch, loops, sites and every detector.</summary>
[TestClass]
public sealed partial class SampleCoverageTests
{
    static readonly Lazy<(string Name, string Text, CompiledScenario Scenario)[]> All = new(() =>
        Directory.GetFiles(Repo.SamplesDir, "*.scn").Order(StringComparer.Ordinal)
            .Select(p => (Path.GetFileName(p), File.ReadAllText(p), ScenarioCompiler.CompileFile(p))).ToArray());

    [GeneratedRegex(@"^\s*\w+:\s*(\w+)", RegexOptions.Multiline)]
    private static partial Regex StepOp();

    [TestMethod]
    [DataRow("store")] [DataRow("load")] [DataRow("barrier")] [DataRow("mmio_write")] [DataRow("writel")] [DataRow("writeq")]
    [DataRow("mmio_read")] [DataRow("readl")] [DataRow("readq")] [DataRow("cache_clean")] [DataRow("cache_inval")]
    [DataRow("cache_flush")] [DataRow("dev_invalidate")] [DataRow("lock")] [DataRow("unlock")] [DataRow("take_irq")]
    [DataRow("dma_read")] [DataRow("dma_write")] [DataRow("fetch")] [DataRow("raise_irq")]
    [DataRow("writel_relaxed")] [DataRow("readl_relaxed")] [DataRow("dma_wmb")] [DataRow("dma_rmb")]
    [DataRow("dma_sync_single_for_device")] [DataRow("dma_sync_single_for_cpu")]
    [DataRow("store_release")] [DataRow("load_acquire")] [DataRow("xchg")]
    [DataRow("iommu_mode")] [DataRow("quiesce")] [DataRow("handover")] [DataRow("dma_map")] [DataRow("dma_unmap")]
    [DataRow("smc")] [DataRow("hvc")] [DataRow("ret")]
    public void Samples_UseOp(string op) =>
        Assert.IsTrue(All.Value.Any(s => StepOp().Matches(s.Text).Any(m => m.Groups[1].Value == op)), $"no sample uses '{op}'");

    [TestMethod]
    public void Samples_UseDevInvalidateAll() =>
        Assert.IsTrue(All.Value.Any(s => s.Text.Contains("dev_invalidate iommu all", StringComparison.Ordinal)));

    static HashSet<string> BarriersUsed(Arch arch)
    {
        var used = new HashSet<string>();
        foreach (var (_, _, s) in All.Value.Where(s => s.Scenario.Metadata.Arch == arch))
        {
            var b = Gen.Events(s);
            for (int i = 0; i < b.Count; i++)
                if (b.Kinds[i] == EventKind.Barrier) used.Add(new BarrierCode((ushort)b.Aux[i]).ToString());
        }
        return used;
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.X86_64)]
    public void Samples_UseEveryBarrierOfArch(Arch arch)
    {
        var used = BarriersUsed(arch);
        var missing = BarrierCode.AllFor(arch).Select(b => b.ToString()).Where(n => !used.Contains(n)).ToArray();
        Assert.IsEmpty(missing, $"{arch.Name()} samples miss: {string.Join(", ", missing)}");
    }

    [TestMethod]
    public void Samples_UseLinuxKindsAndChosenFencesOnRiscv()
    {
        var used = BarriersUsed(Arch.Riscv64);
        string[] wanted = ["barrier", .. BarrierCode.LinuxNames, "fence.w.o", "fence.rw.rw", "fence.w.w", "fence.iorw.iorw", "fence.i.r"];
        var missing = wanted.Where(n => !used.Contains(n)).ToArray();
        Assert.IsEmpty(missing, string.Join(", ", missing));
    }

    [TestMethod]
    public void Samples_UseLoopsSitesAndEveryArch()
    {
        Assert.IsTrue(All.Value.Any(s => s.Text.Contains("repeat", StringComparison.Ordinal)));
        Assert.IsTrue(All.Value.Count(s => s.Scenario.Metadata.Sites.Count > 0) >= 10);
        foreach (var arch in ArchNames.All)
            Assert.IsTrue(All.Value.Any(s => s.Scenario.Metadata.Arch == arch), arch.Name());
    }

    [TestMethod]
    [DataRow("stale-dma-read")] [DataRow("stale-cpu-read")] [DataRow("dma-race")] [DataRow("torn-entry-fetch")]
    [DataRow("missing-flush-after-clear")] [DataRow("present-before-payload")] [DataRow("torn-entry-update")]
    [DataRow("missing-cache-clean")] [DataRow("missing-cache-invalidate")]
    [DataRow("smccc-clobber")] [DataRow("smccc-result-lost")]
    public void Samples_ExpectEveryDetectorPositively(string kind) =>
        Assert.IsTrue(All.Value.Any(s => s.Scenario.Expectations.Any(e =>
            e.FindingKind == kind && e.Kind is ExpectationKind.AtLeastOne or ExpectationKind.Exactly && e.Count > 0)), kind);

    [TestMethod]
    public void Samples_IncludeCleanVariants() =>
        Assert.IsGreaterThanOrEqualTo(10, All.Value.Count(s => s.Scenario.Expectations.Any(e => e.Kind == ExpectationKind.NoneAtAll)));
}
