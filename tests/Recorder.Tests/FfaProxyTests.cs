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

    [ClassInitialize]
    public static void Build(TestContext _) => s_proxy = new CProgram(CProgram.ExamplesDir, "ffa_proxy.c");

    [ClassCleanup]
    public static void Clean() => s_proxy.Dispose();

    static int LineOf(string marker) => CProgram.ExampleLineOf("ffa_proxy.c", marker);

    [TestMethod]
    public void FfaProxy_AllRegistersCopiedBack_ReplayReportsSmcccClobberAtTheEretLine()
    {
        string trace = Path.Combine(s_proxy.Dir, "proxy.trace");
        var (exit, output, err) = s_proxy.Run(trace);
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("host x8 clobbered", output.Trim());

        var instance = CProgram.ReplayOneFinding(trace, "smccc-clobber");
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
        CProgram.AssertReadmeShows(CProgram.Cli("replay", trace).Out, "error[smccc-clobber]");
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
