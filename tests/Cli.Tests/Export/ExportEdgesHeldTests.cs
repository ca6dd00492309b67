using TraceTools.Cli.Exporting;
using TraceTools.Cli.Replaying;
using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Export;

/// <summary>
/// An event may take an hb edge per sync byte it reads, so one batch can take millions of edges (4,000 loads of a
/// 4 KiB region whose every byte another release wrote: 16 M). The export keeps at most a bound of them before it
/// writes the events they follow, and writes the same file whatever the bound.
/// </summary>
[TestClass]
public sealed class ExportEdgesHeldTests
{
    // 64 releases of cpu1 (one per byte of the sync word run), a doorbell edge to the device between the loads, and
    // loads of the whole run by cpu0: 64 edges per load, 3,200 in the one batch.
    const string Scenario = """
        scenario "loads of sync bytes each released by another store"
        arch arm64
        cpu cpu0
        cpu cpu1
        device dev
        sync flags 0x10_0000 size 64
        mmio regs 0x20_0000 size 0x100 device dev
        ram buf 0x30_0000 size 0x100

        repeat 64 as i {
          cpu1: store flags+i size 1 = 0x1
        }
        repeat 50 as i {
          cpu0: load flags size 64
          cpu0: mmio_write regs+0x10 size 4 = 0x1
          dev: dma_read buf size 8
        }
        """;

    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    [DataRow(64)]
    [DataRow(65)]
    [DataRow(1000)]
    public void Export_EdgesHeldBound_KeepsAtMostThatManyAndWritesTheSameFile(int edgesHeld)
    {
        string dir = Directory.CreateTempSubdirectory("tt-export-edges-").FullName;
        try
        {
            string scn = Path.Combine(dir, "edges.scn"), trace = Path.Combine(dir, "edges.trace");
            File.WriteAllText(scn, Scenario);
            var (gen, _, genErr) = RepoPaths.Run("gen", scn, "-o", trace);
            Assert.AreEqual(0, gen, genErr);

            var (all, allKept, allSummary) = Export(trace, ExportWindow.All, int.MaxValue);
            Assert.IsGreaterThanOrEqualTo(3200, allKept, "the batch takes more edges than any bound tested");
            var (bounded, kept, summary) = Export(trace, ExportWindow.All, edgesHeld);
            Assert.IsLessThanOrEqualTo(edgesHeld, kept);
            Assert.AreEqual(allSummary, summary);
            CollectionAssert.AreEqual(all, bounded, "the file does not depend on how many edges are kept");

            // A window cut inside the loads: edges with one end outside are counted the same way.
            var window = ExportWindow.Of(100, 37);
            var (cutAll, _, cutSummary) = Export(trace, window, int.MaxValue);
            var (cutBounded, _, cutBoundedSummary) = Export(trace, window, edgesHeld);
            Assert.IsGreaterThan(0, cutSummary.EdgesCut);
            Assert.AreEqual(cutSummary, cutBoundedSummary);
            CollectionAssert.AreEqual(cutAll, cutBounded);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static (byte[] Json, int MostKept, ExportSummary Summary) Export(string trace, ExportWindow window, int edgesHeld)
    {
        using var reader = TraceReader.Open(trace);
        using var lookup = new TraceEventLookup(trace);
        using var output = new MemoryStream();
        var summary = PerfettoExport.Write(reader, lookup, window, output, null, edgesHeld, out int mostKept);
        return (output.ToArray(), mostKept, summary);
    }
}
