using TraceTools.Cli.Reports;
using TraceTools.Detectors;
using TraceTools.Scenarios;
using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>The smccc samples' reports: the registers named, the FFA_RUN conflict and FFA_VERSION explained in help.</summary>
[TestClass]
public sealed class FirmwareReportTests
{
    static string Report(string sample)
    {
        var scenario = ScenarioCompiler.CompileFile(Path.Combine(RepoPaths.Samples, sample));
        var events = new EventBatch(16);
        events.Reset(0);
        scenario.Generate(events);
        var engine = DetectorRegistry.CreateEngine(scenario.Metadata);
        engine.Process(events);
        var input = new ReportInput(scenario.Metadata, [.. engine.Complete()], new BatchEventLookup(events), sample, events.Count, null);
        var w = new StringWriter { NewLine = "\n" };
        TextReport.Write(w, input, FindingGroup.Build(input.Findings, input.Events, false));
        return w.ToString();
    }

    [TestMethod]
    public void Report_BlindCopy_NamesTheClobberedRegistersAndTheFunction()
    {
        string r = Report("smccc-ffa-direct-req-blind-copy.scn");
        StringAssert.Contains(r, "error[smccc-clobber]: the return to cpu0 changes x8, x9, which its SMC32 call FFA_MSG_SEND_DIRECT_REQ_32 (0x8400006f) must get back (1 instance)");
        StringAssert.Contains(r, "#3 ret x0=0x84000070 FFA_MSG_SEND_DIRECT_RESP_32   <- clobbered x8 0xffff000012345000 -> 0x0, x9 0x40 -> 0x0");
        StringAssert.Contains(r, "help: give x8, x9 back as the call at #0 passed them");
    }

    /// <summary>The trigger's marker names each clobbered register, the value the call passed and the one it got back; not the others.</summary>
    [TestMethod]
    public void Marker_ClobberedRegisters_PassedAndReturnedValues()
    {
        // SMC32: x5 and x9 preserved and changed; x1 may change; x6 preserved and kept.
        var lines = Replayed("""
            arch arm64
            cpu cpu0
            cpu0: smc 0x84000070 x1=0x8001 x5=0x1234 x6=0x6 x9=0x99
            cpu0: ret x0=0x84000060 x1=0x2 x6=0x6 x9=0x7
            """);
        Assert.AreEqual("#1 ret x0=0x84000060 FFA_ERROR   <- clobbered x5 0x1234 -> 0x0, x9 0x99 -> 0x7",
            lines.Single(l => l.Contains("<- clobbered", StringComparison.Ordinal)).Trim(), string.Join("\n", lines));
    }

    [TestMethod]
    public void Help_OneClobberedRegister_PassedIt()
    {
        var lines = Replayed("""
            arch arm64
            cpu cpu0
            cpu0: smc 0x84000070 x1=0x8001 x5=0x55
            cpu0: ret x0=0x84000060 x2=0x3
            """);
        Assert.AreEqual("help: give x5 back as the call at #0 passed it; copy from the answer only the registers that carry its results", ScenarioReplay.Help(lines));
    }

    /// <summary>The text report of <paramref name="scenario"/> through the CLI (gen, then replay), in a temporary folder.</summary>
    [TestMethod]
    [DataRow("hvc", "HVC32")]
    [DataRow("smc", "SMC32")]
    public void Title_NamesTheConventionByTheCallsConduit(string conduit, string convention)
    {
        // SMCCC names the convention after the instruction: an hvc call is HVC32/HVC64, never "SMC32".
        var lines = Replayed($"""
            arch arm64
            cpu cpu0
            cpu0: {conduit} 0x84000070 x5=0x1234
            cpu0: ret x0=0x84000060
            """);
        StringAssert.Contains(string.Join("\n", lines), $"which its {convention} call FFA_MSG_SEND_DIRECT_RESP_32 (0x84000070) must get back", string.Join("\n", lines));
    }

    static string[] Replayed(string scenario)
    {
        var dir = Directory.CreateTempSubdirectory("tt-firmware");
        try { return ScenarioReplay.Of(dir.FullName, scenario).Lines; }
        finally { dir.Delete(true); }
    }

    [TestMethod]
    [DataRow("smccc-ffa-run-keyed-on-call.scn", "error[smccc-result-lost]: cpu0's proxy does not pass on x8..x17 of FFA_MSG_SEND_DIRECT_RESP2 (0xc400008e)",
        "this copy keeps the SMC32 contract and loses the message")]
    [DataRow("smccc-ffa-run-copy-all.scn", "error[smccc-clobber]: the return to cpu0 changes x8..x17, which its SMC32 call FFA_RUN (0x8400006d) must get back",
        "this copy passes the message on and breaks the SMC32 contract")]
    public void Report_FfaRunAnsweredByDirectResp2_SaysNoCopySatisfiesBothAndNamesTheFix(string sample, string header, string broken)
    {
        string r = Report(sample);
        StringAssert.Contains(r, header);
        StringAssert.Contains(r, broken);
        StringAssert.Contains(r, "help: no copy satisfies both contracts: FFA_RUN is an SMC32 call");
        StringAssert.Contains(r, "FF-A 1.3's 64-bit FFA_RUN (0xc400006d) removes the conflict");
    }

    [TestMethod]
    public void Report_FfaVersion_SaysTheAnswerIsAVersionNumber()
    {
        string r = Report("smccc-ffa-version.scn");
        StringAssert.Contains(r, "error[smccc-result-lost]: cpu0's proxy does not pass on x0 of 0x10002");
        StringAssert.Contains(r, "help: FFA_VERSION is answered with a version number in w0 (0x10002), not a function ID: pass w0 on to the caller");
    }
}
