using System.Diagnostics;
using System.Globalization;
using TraceTools.Importers;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

[TestClass]
public sealed class SymbolsTests
{
    const string Driver = """
        volatile unsigned int *doorbell;

        void ring_doorbell(unsigned int v)
        {
            *doorbell = v;
        }

        int main(void)
        {
            return 0;
        }
        """;

    internal static string Tool(string name, params string[] args)
    {
        var start = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.AreEqual(0, p.ExitCode, $"{name}: {error}");
        return output;
    }

    static string BuildElf(ImportHarness h, string sourceName = "drv.c")
    {
        string source = h.File(sourceName, Driver);
        string elf = Path.Combine(h.Dir, "drv");
        try
        {
            Tool("gcc", "-g", "-O0", "-no-pie", "-o", elf, source);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Inconclusive("gcc is not installed (.ci/run installs it)");
        }
        return elf;
    }

    static ulong SymbolAddress(string elf, string name)
    {
        foreach (var line in Tool("nm", elf).Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length == 3 && parts[2] == name) return ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        Assert.Fail($"{name} not in {elf}");
        return 0;
    }

    [TestMethod]
    public void Import_SymbolsFromElfBuiltNow_PcAndSymbolSitesBecomeFileLine()
    {
        using var h = new ImportHarness();
        string elf = BuildElf(h);
        ulong ring = SymbolAddress(elf, "ring_doorbell");
        // The store is a few instructions into ring_doorbell: line 5 of drv.c.
        string body = Tool("addr2line", "-e", elf, $"0x{ring + 8:x}").Trim();
        string mmio = $"""
            VERSION 20070824
            W 4 1.000001 1 0xfd000140 0x1 0x{ring + 8:x} 0
            W 4 1.000002 1 0xfd000140 0x2 0x{ring:x} 0
            W 4 1.000003 1 0xfd000140 0x3 0x1 0

            """;
        var events = h.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", mmio)], symbols: elf);
        string dir = h.Dir;
        StringAssert.EndsWith(events[0].Site, "drv.c:5", $"addr2line says {body}");
        StringAssert.StartsWith(events[0].Site, dir);
        StringAssert.Matches(events[1].Site, new System.Text.RegularExpressions.Regex(@"drv\.c:[34]$"), "the function's first address is its opening line");
        Assert.AreEqual("0x1", events[2].Site, "an address addr2line cannot place keeps its hex");
        Assert.AreEqual(2, h.Summary.SymbolizedSites);
        Assert.IsNotNull(TraceTools.Cli.Reports.SarifReport.ParseFileLine(events[0].Site), "SARIF takes the symbolized site as a location");
    }

    [TestMethod]
    public void Import_SourceFileNameWithATab_SiteKeptWithAQuestionMark()
    {
        // addr2line prints the file's name as it is; a tab in a site would break dump, and the writer refused it (an
        // internal error at the end of the import). Every importer keeps a control character as '?'.
        using var h = new ImportHarness();
        string elf = BuildElf(h, "drv\tnic.c");
        ulong ring = SymbolAddress(elf, "ring_doorbell");

        var events = h.Run("mmiotrace", MmiotraceImportTests.Layout, [("dump.txt", $"W 4 1.000001 1 0xfd000140 0x1 0x{ring + 8:x} 0\n")], symbols: elf);

        StringAssert.EndsWith(events[0].Site, "drv?nic.c:5");
    }

    [TestMethod]
    [DataRow(100, "a")]
    [DataRow(4_081, "a")] // a path of exactly 4,096 bytes: kept whole
    [DataRow(4_082, "a")] // one byte more: cut to exactly 4,096
    [DataRow(5_000, "a")]
    [DataRow(3_000, "é")]
    [DataRow(2_000, "𝔸")]
    [DataRow(1_500, "→𝔸é")]
    public void AsSite_PathOverTheSiteLimit_CutAtItsStartKeepingTheFileAndLine(int repeats, string piece)
    {
        string place = "/" + string.Concat(Enumerable.Repeat(piece, repeats)) + "/drv\tnic.c:212";

        string site = TraceTools.Importers.Internals.Symbolizer.AsSite(place);

        int bytes = System.Text.Encoding.UTF8.GetByteCount(site);
        Assert.IsLessThanOrEqualTo(TraceTools.TraceFormat.TraceLimits.MaxStringBytes, bytes);
        StringAssert.EndsWith(site, "/drv?nic.c:212");
        Assert.IsNull(TraceTools.TraceFormat.TraceLimits.TextProblem("site", site), site[..40]);
        if (System.Text.Encoding.UTF8.GetByteCount(place) <= TraceTools.TraceFormat.TraceLimits.MaxStringBytes)
            Assert.AreEqual(place.Replace('\t', '?'), site);
        else
        {
            StringAssert.StartsWith(site, "...");
            string kept = place.Replace('\t', '?');
            Assert.IsTrue(kept.EndsWith(site[3..], StringComparison.Ordinal), "a tail of the path, whole characters");
            // As long as whole characters allow: the one before the tail (a surrogate pair whole) would pass the limit.
            int start = kept.Length - (site.Length - 3);
            int before = char.IsLowSurrogate(kept[start - 1]) ? 2 : 1;
            Assert.IsGreaterThan(TraceTools.TraceFormat.TraceLimits.MaxStringBytes, bytes + System.Text.Encoding.UTF8.GetByteCount(kept.AsSpan(start - before, before)));
        }
    }

    [TestMethod]
    public void Import_SymbolsForFtraceCallerText_NmThenAddr2line()
    {
        using var h = new ImportHarness();
        string elf = BuildElf(h);
        string text = Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("main+0x4/0x20", "ring_doorbell+0x8/0x20", 32, 1, 0xffff800010000000))
            + Trace("t", 1, 0, ".....", 2, "rwmmio_write", RwmmioWrite("main+0x4/0x20", "no_such_function+0x8/0x20 [nic]", 32, 1, 0xffff800010000000));
        var events = h.Run("ftrace", NicLayout, [("trace", text)], symbols: elf, relaxedMmio: true);
        StringAssert.EndsWith(events[0].Site, "drv.c:5");
        Assert.AreEqual("no_such_function+0x8/0x20 [nic]", events[1].Site, "a symbol the ELF lacks keeps its text");
    }

    [TestMethod]
    public void Import_SymbolsIsADirectory_SaysSoNotMissing()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("mmiotrace", MmiotraceImportTests.Layout,
            [("dump.txt", "W 4 1.000001 1 0xfd000140 0x1 0x401000 0\n")], symbols: h.Dir));
        StringAssert.Contains(e.Message, "--symbols: it is a directory");
    }

    [TestMethod]
    public void Import_SymbolsFileMissing_OneLineError()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ImportException>(() => h.Run("mmiotrace", MmiotraceImportTests.Layout,
            [("dump.txt", "W 4 1.000001 1 0xfd000140 0x1 0x401000 0\n")], symbols: Path.Combine(h.Dir, "vmlinux")));
        StringAssert.Contains(e.Message, "--symbols: no such file");
        CollectionAssert.AreEqual(Array.Empty<string>(), h.Leftovers("dump.txt"));
    }

    [TestMethod]
    public void Import_SymbolAndHexCallerOfOneAddress_OneSymbolizedSite()
    {
        // "ring_doorbell+0x8/0x20" and the raw address %pS prints for it are two sites before --symbols and one after.
        using var h = new ImportHarness();
        string elf = BuildElf(h);
        ulong ring = SymbolAddress(elf, "ring_doorbell");
        string text = Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("main+0x4/0x20", "ring_doorbell+0x8/0x20", 32, 1, 0xffff800010000000))
            + Trace("t", 1, 0, ".....", 2, "rwmmio_write", RwmmioWrite("main+0x4/0x20", $"0x{ring + 8:x}", 32, 2, 0xffff800010000000));
        var events = h.Run("ftrace", NicLayout, [("trace", text)], symbols: elf, relaxedMmio: true);
        StringAssert.EndsWith(events[0].Site, "drv.c:5");
        Assert.AreEqual(events[0].Site, events[1].Site);
        Assert.AreEqual(1, h.Metadata.Sites.Count, "equal sites are one site");
    }
}
