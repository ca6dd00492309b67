using System.Text.Json;
using TraceTools.Tests.Recorder.Support;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Recorder;

/// <summary>
/// recorder/c/examples/ffa_proxy.c, compiled in the test run: a pKVM-style proxy forwards the host's SMC32
/// FF-A direct request to EL3 and copies x0..x17 of the answer back (smccc-clobber), or, with --fixed, x0..x7.
/// Firmware calls are format v3 kinds the v1 recorder could not write.
/// </summary>
[TestClass]
public sealed class FfaProxyTests
{
    static CProgram s_proxy = null!;

    static string ExamplesDir => Path.Combine(CProgram.LibraryDir, "examples");

    [ClassInitialize]
    public static void Build(TestContext _) => s_proxy = new CProgram(ExamplesDir, "ffa_proxy.c");

    [ClassCleanup]
    public static void Clean() => s_proxy.Dispose();

    /// <summary>The 1-based line of ffa_proxy.c holding <paramref name="marker"/>.</summary>
    static int LineOf(string marker)
    {
        var lines = File.ReadAllLines(Path.Combine(ExamplesDir, "ffa_proxy.c"));
        int i = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, i, $"marker '{marker}' not in ffa_proxy.c");
        return i + 1;
    }

    [TestMethod]
    public void FfaProxy_AllRegistersCopiedBack_ReplayReportsSmcccClobberAtTheEretLine()
    {
        string trace = Path.Combine(s_proxy.Dir, "proxy.trace");
        var (exit, output, err) = s_proxy.Run(trace);
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("host x8 clobbered", output.Trim());

        var (replayExit, json, replayErr) = CProgram.Cli("replay", trace, "--format", "json");
        Assert.AreEqual(1, replayExit, replayErr);
        using var doc = JsonDocument.Parse(json);
        var groups = doc.RootElement.GetProperty("findings");
        Assert.AreEqual(1, groups.GetArrayLength(), json);
        var group = groups[0];
        Assert.AreEqual("smccc-clobber", group.GetProperty("kind").GetString());
        Assert.AreEqual(1, group.GetProperty("count").GetInt32());
        var instance = group.GetProperty("instances")[0];
        var trigger = instance.GetProperty("trigger");
        Assert.AreEqual($"ffa_proxy.c:{LineOf("eret to the host")}", trigger.GetProperty("site").GetString());
        Assert.AreEqual("ret", trigger.GetProperty("op").GetString());
        Assert.AreEqual(3, trigger.GetProperty("index").GetInt32(), "the outer return, not EL3's");
        Assert.AreEqual("0x0", trigger.GetProperty("registers")[8].GetString());
        var call = instance.GetProperty("related")[0];
        Assert.AreEqual("call", call.GetProperty("role").GetString());
        Assert.AreEqual($"ffa_proxy.c:{LineOf("the host's smc, trapped by EL2")}", call.GetProperty("site").GetString());
        Assert.AreEqual("0xffff000012345000", call.GetProperty("registers")[8].GetString());

        // recorder/c/README.md shows this report.
        var (_, text, _) = CProgram.Cli("replay", trace);
        string readme = File.ReadAllText(Path.Combine(CProgram.LibraryDir, "README.md"));
        int at = readme.IndexOf("```\nerror[smccc-clobber]", StringComparison.Ordinal) + 4;
        Assert.IsGreaterThan(3, at, "the README lost the proxy's report");
        StringAssert.Contains(text.ReplaceLineEndings("\n"), readme[at..readme.IndexOf("```", at, StringComparison.Ordinal)]);
    }

    [TestMethod]
    public void FfaProxy_ResultsOnlyCopiedBack_NoFinding()
    {
        string trace = Path.Combine(s_proxy.Dir, "fixed.trace");
        var (exit, output, err) = s_proxy.Run(trace, "--fixed");
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("host x8 kept", output.Trim());
        var (replayExit, json, replayErr) = CProgram.Cli("replay", trace, "--format", "json");
        Assert.AreEqual(0, replayExit, replayErr + json);
        using var doc = JsonDocument.Parse(json);
        Assert.AreEqual(0, doc.RootElement.GetProperty("findings").GetArrayLength(), json);
    }

    /// <summary>What the proxy recorded: outer call, inner call, inner return, outer return, on one cpu, in v3.</summary>
    [TestMethod]
    public void FfaProxy_Trace_OuterCallInnerCallInnerReturnOuterReturn()
    {
        string trace = Path.Combine(s_proxy.Dir, "order.trace");
        Assert.AreEqual(0, s_proxy.Run(trace).Exit);
        using var reader = TraceReader.Open(trace);
        Assert.AreEqual(3, reader.Version);
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch));
        CollectionAssert.AreEqual(
            new[] { EventKind.FirmwareCall, EventKind.FirmwareCall, EventKind.FirmwareReturn, EventKind.FirmwareReturn },
            batch.Kinds[..batch.Count].ToArray());
        for (int i = 0; i < batch.Count; i++)
        {
            Assert.AreEqual((uint)FirmwareConduit.Smc, batch.Aux[i]);
            Assert.AreEqual(EventKinds.RegisterBytes, batch.GetData(i).Length);
        }
        Assert.IsFalse(reader.ReadBatch(batch));
        Assert.IsFalse(reader.Truncated);
    }
}
