using TraceTools.TraceFormat;
using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>The context of ftrace lines as real captures print it: task names with brackets, the function tracer.</summary>
[TestClass]
public sealed class FtraceLineTests
{
    const ulong Regs = 0xffff800010000000;

    [TestMethod]
    [DataRow("my[3]task")]      // "[3]" in the name is not the cpu
    [DataRow("w[0]/[1]")]
    [DataRow("CPU:0")]          // not a lost-events marker
    [DataRow("version2")]       // not trace-cmd's header
    [DataRow("cpus=4")]
    [DataRow("a[1] 2: b: c")]   // "[1] 2: b:" reads as a cpu, a timestamp and an event: the cpu follows "-PID"
    [DataRow("w[0] 9: f <-g")]  // ... and as a function-tracer line
    [DataRow("x[2] (3) 4: y:")] // a "(TGID)"-like part in the name
    public void Import_TaskNameLikeOtherContext_CpuIsTheFieldBeforeTheTimestamp(string comm)
    {
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", Trace(comm, 58, 1, ".....", 1, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, Regs)))], relaxedMmio: true);
        Assert.AreEqual((EventKind.MmioWrite, "cpu1"), (events.Single().Kind, events.Single().Agent));
    }

    [TestMethod]
    public void Import_FunctionTracerLines_CountedAsTheEventFunction()
    {
        // The function tracer prints "FUNCTION <-PARENT" without an event name (kernel/trace/trace_output.c).
        string text = "            bash-1977    [000] ....   100.0002: do_sys_open <-__x64_sys_openat\n"
            + "            bash-1977    [000] d.h1.   100.0003: __x64_sys_openat <-do_syscall_64\n"
            + Trace("t", 1, 0, ".....", 100_000_400, "rwmmio_write", RwmmioWrite("a", "b", 32, 1, Regs));
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", text)], relaxedMmio: true);
        Assert.AreEqual(EventKind.MmioWrite, events.Single().Kind);
        Assert.AreEqual(2, h.Summary.Skipped["other event function"]);
    }

    [TestMethod]
    public void Import_TgidColumn_CpuAfterIt()
    {
        // trace's "record-tgid" option: TASK-PID (TGID) [CPU]; a name with "[1] 2: b:" in it still loses to it.
        string text = "      a[1] 2: b: c-58      (   58) [001] .....   100.000200: rwmmio_write: " + RwmmioWrite("a", "b", 32, 1, Regs) + "\n"
            + "      k-59      (-------) [001] .....   100.000300: rwmmio_write: " + RwmmioWrite("a", "b", 32, 2, Regs) + "\n";
        using var h = new ImportHarness();
        var events = h.Run("ftrace", NicLayout, [("trace", text)], relaxedMmio: true);
        Assert.HasCount(2, events);
        Assert.IsTrue(events.All(e => e.Kind == EventKind.MmioWrite && e.Agent == "cpu1"));
    }
}
