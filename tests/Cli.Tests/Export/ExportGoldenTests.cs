using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Export;

/// <summary>
/// <c>export --format perfetto</c> writes exactly the bytes it wrote before its property names were pre-encoded:
/// the golden files are the previous output for samples that together use every field (events of every class,
/// barriers, locks, interrupts, fetches and invalidations, DMA map/unmap and IOMMU modes, firmware calls, hb
/// flows, findings). The tool's version in <c>otherData</c> is the one line that may change: it is masked.
/// </summary>
[TestClass]
public sealed class ExportGoldenTests
{
    [TestMethod]
    [DataRow("hisi-qm-mailbox")]
    [DataRow("arm64-pasid-clear-wmb-invalidate")]
    [DataRow("smccc-ffa-run-copy-all")]
    [DataRow("kexec-dma-after-unmap")]
    [DataRow("kexec-smmuv2-bypass")]
    [DataRow("lock-handoff-doorbell")]
    [DataRow("dma-buffer-reuse-after-irq")]
    public void Export_Sample_SameBytesAsTheGolden(string sample)
    {
        string dir = Directory.CreateTempSubdirectory("tt-golden-").FullName;
        try
        {
            string trace = Path.Combine(dir, sample + ".trace"), json = Path.Combine(dir, sample + ".json");
            var gen = RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, sample + ".scn"), "-o", trace);
            Assert.AreEqual(0, gen.Exit, gen.Err);
            var export = RepoPaths.Run("export", trace, "--format", "perfetto", "-o", json, "--quiet");
            Assert.AreEqual(0, export.Exit, export.Err);

            string actual = File.ReadAllText(json).Replace($"\"tracetools {Cli.CommandLine.Version}\"", "\"tracetools VERSION\"", StringComparison.Ordinal);
            string golden = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Cli.Tests", "Export", "Golden", sample + ".json"));
            Assert.AreEqual(golden, actual);
        }
        finally { Directory.Delete(dir, true); }
    }
}
