using TraceTools.TraceFormat;

namespace TraceTools.Tests;

[TestClass]
public sealed class MmiotraceImportTests
{
    public const string Layout = """
        arch x86_64
        cpu cpu0
        device gpu
        mmio bar0 0xfd000000 size 0x1000000 device gpu
        """;

    // kernel/trace/trace_mmiotrace.c: "R %d %u.%06lu %d 0x%llx 0x%lx 0x%lx %d\n" (and W),
    // "MAP %u.%06lu %d 0x%llx 0x%lx 0x%lx 0x%lx %d\n", "UNMAP %u.%06lu %d 0x%lx %d\n", "MARK %u.%06lu %s".
    public const string Sample = """
        VERSION 20070824
        PCIDEV 0100	10de0641	10	fd000000	0	0	0	0	0	10	1000000	0	0	0	0	0	80000	nouveau
        MAP 105.291040 1 0xfd000000 0xffffc90001000000 0x1000000 0x0 0
        R 4 105.291158 1 0xfd000000 0x4a8000a2 0xffffffffa0123456 0
        W 4 105.291201 1 0xfd000140 0x1 0xffffffffa0123470 0
        R 1 105.291250 1 0xfd000141 0x7f 0x0 0
        UNKNOWN 105.291300 1 0xfd000200 0f,0b,00 0xffffffffa0123480 0
        MARK 105.291400 X is up
        W 8 105.291500 1 0xfd000148 0x1122334455667788 0xffffffffa0123490 0
        UNMAP 105.300000 1 0x0 0

        """;

    [TestMethod]
    public void Import_MmiotraceLog_ReadsAndWritesWithValuesAndPcSites()
    {
        using var h = new ImportHarness();
        var events = h.Run("mmiotrace", Layout, [("mydump.txt", Sample)]);
        CollectionAssert.AreEqual(new[]
        {
            (EventKind.MmioRead, 0xfd000000ul, 4, 0x4a8000a2ul, "0xffffffffa0123456"),
            (EventKind.MmioWrite, 0xfd000140ul, 4, 1ul, "0xffffffffa0123470"),
            (EventKind.MmioRead, 0xfd000141ul, 1, 0x7ful, (string?)null),
            (EventKind.MmioWrite, 0xfd000148ul, 8, 0x1122334455667788ul, "0xffffffffa0123490"),
        }, events.Select(e => (e.Kind, e.Address, e.Size, e.Value, e.Site)).ToArray(), string.Join("\n", events));
        Assert.IsTrue(events.All(e => e.Agent == "cpu0"));
        foreach (var reason in new[] { "VERSION", "PCIDEV", "MAP (ioremap)", "UNMAP (iounmap)", "MARK (marker)", "UNKNOWN (undecoded instruction)" })
            Assert.AreEqual(1, h.Summary.Skipped[reason], reason);
    }

    [TestMethod]
    public void Import_OneSiteMoreThanTheFormatHolds_ErrorAtTheLineThatAddsIt()
    {
        // Every record a new pc: the trace format holds 2^20 distinct sites, the line of the next one is the error.
        const int max = 1 << 20;
        var text = new System.Text.StringBuilder(36 * (max + 1));
        for (int i = 1; i <= max + 1; i++) text.Append("W 1 1 1 0xfd000000 0x0 0x").Append(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append(" 0\n");
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<TraceTools.Importers.ImportException>(() => h.Run("mmiotrace", Layout, [("dump.txt", text.ToString())]));
        StringAssert.Contains(e.Message, $"more than {max} distinct sites");
        Assert.AreEqual(max + 1L, e.Line);
    }
}
