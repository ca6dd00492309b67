using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

[TestClass]
public sealed class MergeOrderTests
{
    const ulong Regs = 0xffff800010000000;

    static string Write(int cpu, ulong micros, ulong value) =>
        Trace("t", 1, cpu, ".....", micros, "rwmmio_write", RwmmioWrite("a", "b", 32, value, Regs));

    [TestMethod]
    public void Import_SeveralInputs_MergedByTimestampTiesInCommandLineOrder()
    {
        using var h = new ImportHarness();
        // Per-cpu files as trace-cmd extract / per_cpu/cpuN/trace give them.
        string cpu0 = Write(0, 10, 1) + Write(0, 30, 3) + Write(0, 50, 5) + Write(0, 50, 6);
        string cpu1 = Write(1, 20, 2) + Write(1, 40, 4) + Write(1, 50, 7) + Write(1, 60, 8);
        var events = h.Run("ftrace", NicLayout, [("cpu0.txt", cpu0), ("cpu1.txt", cpu1)], relaxedMmio: true);
        CollectionAssert.AreEqual(new ulong[] { 1, 2, 3, 4, 5, 6, 7, 8 }, events.Select(e => e.Value).ToArray());
        CollectionAssert.AreEqual(new[] { "cpu0", "cpu1", "cpu0", "cpu1", "cpu0", "cpu0", "cpu1", "cpu1" }, events.Select(e => e.Agent).ToArray());
    }

    [TestMethod]
    public void Import_ThreeInputsOneEmpty_AllEventsOnceInOrder()
    {
        using var h = new ImportHarness();
        var rng = new Random(8);
        var inputs = new List<(string, string)>();
        var all = new List<ulong>();
        for (int f = 0; f < 3; f++)
        {
            var text = new System.Text.StringBuilder();
            ulong t = 0;
            int n = f == 1 ? 0 : 200;
            for (int i = 0; i < n; i++)
            {
                t += (ulong)rng.Next(1, 50);
                ulong value = t * 4 + (ulong)f; // unique, and sorts as (time, input)
                text.Append(Write(f == 2 ? 1 : 0, t, value));
                all.Add(value);
            }
            inputs.Add(($"in{f}.txt", text.ToString()));
        }
        var events = h.Run("ftrace", NicLayout, [.. inputs], relaxedMmio: true);
        all.Sort();
        CollectionAssert.AreEqual(all, events.Select(e => e.Value).ToList());
        Assert.IsTrue(events.All(e => e.Kind == EventKind.MmioWrite));
    }

    /// <summary>A tracefs or trace-cmd line with its timestamp as printed (<c>%5lu.%06lu</c>, or <c>-t</c>'s nine digits).</summary>
    static string WriteAt(int cpu, string seconds, ulong value) =>
        $"{"t",16}-{1,-7} [{cpu:000}] ..... {seconds}: rwmmio_write: {RwmmioWrite("a", "b", 32, value, Regs)}\n";

    [TestMethod]
    public void Import_TimestampsAcrossASecondWithNanosecondFractions_MergedByTheWholeTime()
    {
        using var h = new ImportHarness();
        // tracefs prints microseconds, trace-cmd report -t nanoseconds: both are seconds + fraction.
        string cpu0 = WriteAt(0, "0.999999", 1) + WriteAt(0, "1.000001", 4);
        string cpu1 = WriteAt(1, "0.999999500", 2) + WriteAt(1, "1.000000000", 3) + WriteAt(1, "1.000001000", 5);
        var events = h.Run("ftrace", NicLayout, [("cpu0.txt", cpu0), ("cpu1.txt", cpu1)], relaxedMmio: true);
        CollectionAssert.AreEqual(new ulong[] { 1, 2, 3, 4, 5 }, events.Select(e => e.Value).ToArray());
    }

    [TestMethod]
    public void Import_TimestampsOfMoreThanNineFractionDigits_TruncatedToNanoseconds()
    {
        // recording.md: "any number of fraction digits". 100.1234567899999 is 100.123456789 s, before 100.123456790.
        using var h = new ImportHarness();
        string cpu0 = WriteAt(0, "100.1234567899999", 1) + WriteAt(0, "100.1234567900000000000000001", 3);
        string cpu1 = WriteAt(1, "100.123456789", 2);
        var events = h.Run("ftrace", NicLayout, [("cpu1.txt", cpu1), ("cpu0.txt", cpu0)], relaxedMmio: true);
        CollectionAssert.AreEqual(new ulong[] { 2, 1, 3 }, events.Select(e => e.Value).ToArray(), "the tie at 100.123456789 s goes to the first input");
    }

    [TestMethod]
    [DataRow("100.1234567890123", 100_123_456_789ul)]
    [DataRow("0.5", 500_000_000ul)]
    [DataRow("7", 7ul)]
    public void TrySeconds_FractionOfAnyLength_Nanoseconds(string text, ulong ns)
    {
        Assert.IsTrue(TraceTools.Importers.Internals.LineText.TrySeconds(System.Text.Encoding.ASCII.GetBytes(text), out ulong got));
        Assert.AreEqual(ns, got);
    }

    [TestMethod]
    [DataRow("100.1234567890x")]
    [DataRow("100.")]
    [DataRow("100.12345678901234567890123a")]
    public void TrySeconds_NotDigits_Refused(string text) =>
        Assert.IsFalse(TraceTools.Importers.Internals.LineText.TrySeconds(System.Text.Encoding.ASCII.GetBytes(text), out _));

    [TestMethod]
    public void Import_FirstInputEndsFirst_TiesOfTheOthersStayInCommandLineOrder()
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("a.txt", Write(0, 10, 1)), ("b.txt", Write(0, 20, 2) + Write(0, 30, 4)), ("c.txt", Write(1, 20, 3) + Write(1, 30, 5))], relaxedMmio: true);
        CollectionAssert.AreEqual(new ulong[] { 1, 2, 3, 4, 5 }, events.Select(e => e.Value).ToArray());
    }
}
