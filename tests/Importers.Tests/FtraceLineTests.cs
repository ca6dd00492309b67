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
}
