using TraceTools.Tests.Qemu;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>
/// The summary's <c>skipped N: REASON</c> line of what <c>--skip-malformed</c> and <c>--skip-unmapped</c> drop
/// names where the first such line was, for every format, so that the user can look at it.
/// </summary>
[TestClass]
public sealed class SkippedLocationTests
{
    const string StepsLayout = """
        arch arm64
        cpu cpu0
        ram buf 0x1000 size 0x100
        """;

    const string Step = "cpu0: store buf size 4 = 1\n";
    const string Ftrace = "ftrace";

    static readonly string FtraceGood = Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("a+0x1/0x2", "b+0x1/0x2", 32, 1, 0xffff800010000000));

    public static IEnumerable<object[]> Inputs =>
    [
        [Ftrace, NicLayout, FtraceGood + FtraceGood + "garbage without context\n" + "more garbage\n", 3],
        ["mmiotrace", MmiotraceImportTests.Layout, "VERSION 20070824\nQ 4 105.2 1 0xfd000000 0x1 0x0 0\nQ\n", 2],
        ["qemu", QemuLogs.Arm64Layout, QemuLogs.Header + "tt_store cpu 0 addr 0x40090000 size 4\n" + "tt_frob\n", 2],
        ["steps", StepsLayout, Step + Step + Step + "cpu0: stor buf size 4\n" + "cpu0: frob\n", 4],
    ];

    [TestMethod]
    [DynamicData(nameof(Inputs))]
    public void Import_MalformedLinesSkipped_SummaryNamesTheFirst(string format, string layout, string text, int firstBad)
    {
        using var h = new ImportHarness();
        h.Run(format, layout, [("in.txt", text)], skipMalformed: true);

        string at = Path.Combine(h.Dir, "in.txt") + ":" + firstBad;
        CollectionAssert.Contains(h.Summary.Describe("out.trace").ToList(), $"  skipped 2: malformed line (first at {at})");
    }

    [TestMethod]
    public void Import_UnmappedEventsSkipped_SummaryNamesTheFirst()
    {
        using var h = new ImportHarness();
        h.Run("steps", StepsLayout, [("a.steps", Step), ("b.steps", Step + "cpu0: store buf + 0x200 size 4 = 1\n" + "cpu0: store buf + 0x300 size 4 = 1\n")], skipUnmapped: true);

        string at = Path.Combine(h.Dir, "b.steps") + ":2";
        CollectionAssert.Contains(h.Summary.Describe("out.trace").ToList(), $"  skipped 2: outside every region (first at {at})");
    }
}
