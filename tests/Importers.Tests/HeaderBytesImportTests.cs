using System.Globalization;
using System.Text;
using TraceTools.Importers;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// The trace header's cap in bytes (<see cref="TraceLimits.MaxHeaderBytes"/>) on import: the line whose new site
/// or lock takes the header past it is the error, and nothing is written. Before, 2^20 kernel code addresses (19
/// bytes each as sites) passed every count and the writer refused the header as an internal error at the end.
/// Where the header goes over is measured with the writer's encoding (<see cref="TraceLimits.HeaderBytes"/>).
/// </summary>
[TestClass]
public sealed class HeaderBytesImportTests
{
    /// <summary>
    /// The number of <paramref name="sites"/> the header of <paramref name="declared"/> takes before the next one passes
    /// the cap, as an import counts it: with the 6 bytes of the section saying memory values were not recorded.
    /// </summary>
    static int Fitting(TraceMetadata declared, string[] sites) =>
        HeaderCap.Fitting(sites.Length, n => HeaderCap.With(declared, sites: sites[..n], valuesRecorded: false));

    [TestMethod]
    public void Mmiotrace_KernelCodeAddresses_TheLineThatGoesOverIsTheError_NothingWritten()
    {
        const int records = 900_000;
        var pcs = Enumerable.Range(0, records).Select(i => 0xffffffffa0000000UL + (ulong)i).ToArray();
        int fits = Fitting(ScenarioCompiler.CompileLayout(MmiotraceImportTests.Layout, "l.scn").Metadata,
            [.. pcs.Select(pc => "0x" + pc.ToString("x", CultureInfo.InvariantCulture))]);
        var text = new StringBuilder(48 * records);
        foreach (ulong pc in pcs) text.Append(CultureInfo.InvariantCulture, $"W 1 1 1 0xfd000000 0x0 0x{pc:x} 0\n");
        using var h = new ImportHarness();

        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", text.ToString())]));

        Assert.AreEqual(fits + 1L, e.Line, e.Message);
        StringAssert.Contains(e.Message, "the trace header would pass the format's 16,777,216 bytes with this site");
        Assert.IsFalse(File.Exists(Path.Combine(h.Dir, "out.trace")));
    }

    [TestMethod]
    public void Mmiotrace_CodeAddressesUpToTheCap_Imported()
    {
        var pcs = Enumerable.Range(0, 880_000).Select(i => 0xffffffffa0000000UL + (ulong)i).ToArray();
        var text = new StringBuilder(48 * pcs.Length);
        foreach (ulong pc in pcs) text.Append(CultureInfo.InvariantCulture, $"W 1 1 1 0xfd000000 0x0 0x{pc:x} 0\n");
        using var h = new ImportHarness();

        var events = h.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", text.ToString())]);

        Assert.HasCount(pcs.Length, events);
        Assert.HasCount(pcs.Length, h.Metadata.Sites);
        Assert.IsGreaterThan(16_700_000L, TraceLimits.HeaderBytes(h.Metadata));
    }

    [TestMethod]
    public void Mmiotrace_SitesEndingTheHeaderAtTheCapWithRoomForTheSection_Imported_OneSiteMoreIsTheError()
    {
        // An import's budget keeps the 6 bytes of the section saying memory values were not recorded from the start
        // (HeaderBudget.OfLayout), as an input may add it after its sites: sites that end the header there are imported.
        var declared = ScenarioCompiler.CompileLayout(MmiotraceImportTests.Layout, "l.scn").Metadata;
        var pcs = Enumerable.Range(0, 900_000).Select(i => 0xffffffffa0000000UL + (ulong)i).ToList();
        long Left() => TraceLimits.MaxHeaderBytes - TraceLimits.HeaderBytes(HeaderCap.With(declared, sites: [.. pcs.Select(Site)], valuesRecorded: false));
        int fits = Fitting(declared, [.. pcs.Select(Site)]);
        // Two sites fewer, then three whose entries (a length byte, "0x" and 1 to 16 digits) take what is left exactly.
        pcs.RemoveRange(fits - 2, pcs.Count - fits + 2);
        long left = Left();
        int last = (int)Math.Max(4, left - 38), middle = (int)(left - 19 - last);
        pcs.AddRange([Pc(19, 0xe), Pc(middle, 0xd), Pc(last, 0xc)]);
        Assert.AreEqual(0, Left());
        string Lines(IEnumerable<ulong> at) => string.Concat(at.Select(pc => $"W 1 1 1 0xfd000000 0x0 {Site(pc)} 0\n"));

        using (var h = new ImportHarness())
        {
            h.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", Lines(pcs))]);
            Assert.HasCount(pcs.Count, h.Metadata.Sites);
        }
        using var over = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => over.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", Lines([.. pcs, 0x2]))]));
        Assert.AreEqual(pcs.Count + 1L, e.Line, e.Message);
    }

    static string Site(ulong pc) => "0x" + pc.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>An address whose site's entry takes <paramref name="entryBytes"/> (4 to 19), its first digit <paramref name="top"/>.</summary>
    static ulong Pc(int entryBytes, ulong top) => top << (4 * (entryBytes - 4));

    [TestMethod]
    public void Steps_LongSites_TheLineThatGoesOverIsTheError()
    {
        const string layout = "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n";
        var sites = Enumerable.Range(0, 4_300).Select(i => i.ToString("d6", CultureInfo.InvariantCulture) + new string('s', 3_994)).ToArray();
        int fits = Fitting(ScenarioCompiler.CompileLayout(layout, "l.scn").Metadata, sites);
        using var h = new ImportHarness();

        var e = Assert.ThrowsExactly<ScenarioException>(() =>
            h.Run("steps", layout, [("steps.txt", string.Concat(sites.Select(s => $"cpu0: store buf size 4 @ \"{s}\"\n")))]));

        Assert.AreEqual(fits + 1, e.Line, e.Message);
        Assert.AreEqual(26, e.Column, e.Message);
        StringAssert.Contains(e.Message, "with this site");
    }

    [TestMethod]
    public void Steps_SiteEndingTheHeaderAtTheCapWithRoomForTheSection_Imported_OneByteMoreReportedAtItsColumn()
    {
        // The step parser keeps its own budget of the layout's header (HeaderBudget.OfLayout, as the import's): a site
        // one byte past it is reported at its line and column before the import's own count would refuse it.
        const string layout = "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n";
        var declared = ScenarioCompiler.CompileLayout(layout, "l.scn").Metadata;
        var sites = Enumerable.Range(0, 5_700).Select(i => i.ToString("d6", CultureInfo.InvariantCulture) + new string('s', 2_994)).ToList();
        int fits = Fitting(declared, [.. sites]);
        long Left(int n) => TraceLimits.MaxHeaderBytes - TraceLimits.HeaderBytes(HeaderCap.With(declared, sites: sites[..n], valuesRecorded: false));
        // The last site's length takes two bytes: it has 128 bytes or more.
        if (Left(fits) < 130) fits--;
        string last = "z" + new string('y', (int)Left(fits) - 3);
        string Lines(string lastSite) => string.Concat(sites.Take(fits).Append(lastSite).Select(s => $"cpu0: store buf size 4 @ \"{s}\"\n"));

        using (var h = new ImportHarness())
        {
            h.Run("steps", layout, [("steps.txt", Lines(last))]);
            Assert.HasCount(fits + 1, h.Metadata.Sites);
        }
        using var over = new ImportHarness();
        var e = Assert.ThrowsExactly<ScenarioException>(() => over.Run("steps", layout, [("steps.txt", Lines(last + "x"))]));
        Assert.AreEqual(fits + 1, e.Line, e.Message);
        Assert.AreEqual(26, e.Column, e.Message);
    }

    [TestMethod]
    public void Steps_LocksTakeTheirBytes_ASiteAfterThemGoesOverSooner()
    {
        // Locks of 4,000 bytes take about half the header; then sites: the first site over counts the locks' bytes.
        const string layout = "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n";
        var locks = Enumerable.Range(0, 2_000).Select(i => "l" + i.ToString("d6", CultureInfo.InvariantCulture) + new string('k', 3_993)).ToArray();
        var sites = Enumerable.Range(0, 4_300).Select(i => i.ToString("d6", CultureInfo.InvariantCulture) + new string('s', 3_994)).ToArray();
        var declared = ScenarioCompiler.CompileLayout(layout, "l.scn").Metadata;
        int fits = Fitting(HeaderCap.With(declared, locks: locks), sites);
        var lines = string.Concat(locks.Select(l => $"cpu0: lock {l}\n")) + string.Concat(sites.Select(s => $"cpu0: store buf size 4 @ \"{s}\"\n"));
        using var h = new ImportHarness();

        var e = Assert.ThrowsExactly<ScenarioException>(() => h.Run("steps", layout, [("steps.txt", lines)]));

        Assert.AreEqual(locks.Length + fits + 1, e.Line, e.Message);
    }

    [TestMethod]
    public void Symbols_SitesThatFitAsAddressesButNotAsFileLine_RefusedNamingTheElf_NothingWritten()
    {
        using var h = new ImportHarness();
        // A source path of about 2,900 bytes: each function's file:line site takes about as much, 6,000 of them
        // about 17.5 MB, where their addresses took 19 bytes each.
        string dir = h.Dir;
        for (int i = 0; i < 14; i++) dir = Path.Combine(dir, new string((char)('a' + i), 200));
        Directory.CreateDirectory(dir);
        string source = Path.Combine(dir, "drv.c");
        const int functions = 6_000;
        var code = new StringBuilder();
        for (int i = 0; i < functions; i++) code.Append(CultureInfo.InvariantCulture, $"void f{i}(void) {{ }}\n");
        code.Append("int main(void) { return 0; }\n");
        File.WriteAllText(source, code.ToString());
        string elf = Path.Combine(h.Dir, "drv");
        try
        {
            SymbolsTests.Tool("gcc", "-g", "-O0", "-no-pie", "-o", elf, source);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Inconclusive("gcc is not installed (.ci/run installs it)");
        }
        var trace = new StringBuilder();
        foreach (var line in SymbolsTests.Tool("nm", elf).Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length == 3 && parts[2].StartsWith('f') && parts[2][1..].All(char.IsAsciiDigit))
                trace.Append(CultureInfo.InvariantCulture, $"W 1 1 1 0xfd000000 0x0 0x{parts[0].TrimStart('0')} 0\n");
        }
        Assert.AreEqual(functions, trace.ToString().Count(c => c == '\n'));

        var e = Assert.ThrowsExactly<ImportException>(() =>
            h.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", trace.ToString())], symbols: elf));

        Assert.AreEqual(elf, e.File, e.Message);
        StringAssert.Contains(e.Message, "the layout, locks and symbolized sites take");
        Assert.IsFalse(File.Exists(Path.Combine(h.Dir, "out.trace")));
    }
}
