using TraceTools.Detectors;
using TraceTools.Detectors.Smccc;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// model.md §12 by hand: each case built with the trace builder, its findings worked out from the text, and
/// both the reference and the engine held to them.
/// </summary>
[TestClass]
public sealed class FirmwareRuleTests
{
    const ulong Unknown32 = 0x8400_0001, Unknown64 = 0xC400_0002;

    static (TraceBuilder B, ushort Cpu) System()
    {
        var b = new TraceBuilder(Arch.Arm64);
        return (b, b.Cpu("cpu0"));
    }

    static ulong[] R(ulong x0, params (int R, ulong V)[] set)
    {
        var regs = new ulong[18];
        regs[0] = x0;
        foreach (var (r, v) in set) regs[r] = v;
        return regs;
    }

    static ulong[] With(ulong[] regs, params (int R, ulong V)[] set)
    {
        var copy = (ulong[])regs.Clone();
        foreach (var (r, v) in set) copy[r] = v;
        return copy;
    }

    /// <summary>The reference's findings, after checking that the engine reports exactly the same.</summary>
    static string Run(TraceBuilder b)
    {
        var t = b.Build();
        string reference = string.Join(" ", ReferenceModel.Run(t));
        var engine = DetectorRegistry.CreateEngine(t.Metadata);
        engine.Process(t.ToBatch());
        Assert.AreEqual(reference, string.Join(" ", engine.Complete()), "engine and reference");
        return reference;
    }

    static string OneCall(ulong[] call, ulong[] ret)
    {
        var (b, c) = System();
        b.FirmwareCall(c, call);
        b.FirmwareReturn(c, ret);
        return Run(b);
    }

    static readonly ulong[] Caller32 = R(Unknown32, (1, 1), (4, 4), (5, 5), (8, 8), (17, 17));

    [TestMethod]
    [DataRow(8, "smccc-clobber@1[call=0]")]    // SMC32: x8..x17 preserved
    [DataRow(17, "smccc-clobber@1[call=0]")]
    [DataRow(4, "smccc-clobber@1[call=0]")]    // x4..x7 preserved: an unknown answer carries no results there
    [DataRow(3, "")]                            // x0..x3 are result registers of every SMC32 call
    [DataRow(1, "")]
    public void Smc32_RegisterChanged_ClobberUnlessAResultRegister(int register, string expected) =>
        Assert.AreEqual(expected, OneCall(Caller32, With(Caller32, (0, 0), (register, 0x99))));

    [TestMethod]
    public void Smc32_DirectRespAnswerChangesX4ToX7_TheyAreResults() =>
        Assert.AreEqual("", OneCall(With(Caller32, (0, FfaFunctions.DirectReq32)),
            With(Caller32, (0, FfaFunctions.DirectResp32), (4, 0x40), (5, 0x50), (6, 0x60), (7, 0x70))));

    [TestMethod]
    public void Smc32_DirectResp2AnswerChangesX9_StillPreservedForTheSmc32Caller() =>
        Assert.AreEqual("smccc-clobber@1[call=0]", OneCall(With(Caller32, (0, FfaFunctions.Run)),
            With(Caller32, (0, FfaFunctions.DirectResp2), (4, 0x40), (9, 0x90))));

    static readonly ulong[] Caller64 = R(Unknown64, (1, 1), (4, 4), (7, 7), (8, 8), (17, 17));

    [TestMethod]
    [DataRow(4, "smccc-clobber@1[call=0]")]    // SMCCC 1.1 on: x4..x17 callee-saved for SMC64 too
    [DataRow(8, "smccc-clobber@1[call=0]")]
    [DataRow(17, "smccc-clobber@1[call=0]")]
    [DataRow(3, "")]                            // x0..x3 are result registers of every call
    public void Smc64_UnknownAnswerChangesARegister_ClobberFromX4On(int register, string expected) =>
        Assert.AreEqual(expected, OneCall(Caller64, With(Caller64, (0, 0), (register, 0x99))));

    [TestMethod]
    [DataRow(7, "")]                            // DIRECT_RESP_64's results are x0..x7
    [DataRow(8, "smccc-clobber@1[call=0]")]    // x8..x17 are not among them: promised back
    [DataRow(17, "smccc-clobber@1[call=0]")]
    public void Smc64_DirectResp64Answer_X8ToX17Preserved(int register, string expected) =>
        Assert.AreEqual(expected, OneCall(With(Caller64, (0, 0xC400_006F)), With(Caller64, (0, 0xC400_0070), (register, 0x99))));

    [TestMethod]
    [DataRow(0xC400_0061u)]                     // FFA_SUCCESS_64: results x0..x17
    [DataRow(FfaFunctions.DirectResp2)]         // DIRECT_RESP2: x0, x1, x4..x17
    public void Smc64_AnswerWithResultsUpToX17_NothingFromX4On(uint answer) =>
        Assert.AreEqual("", OneCall(Caller64, With(Caller64, (0, answer), (4, 0x44), (8, 0x88), (17, 0x1717))));

    [TestMethod]
    [DataRow(0, "")]                            // the version number itself
    [DataRow(4, "smccc-clobber@1[call=0]")]    // FFA_VERSION's only result is w0
    public void FfaVersion_AnsweredWithAVersionNumber_ResultsFollowFromTheCall(int register, string expected) =>
        Assert.AreEqual(expected, OneCall(R(FfaFunctions.Version, (1, 0x10002)), With(R(FfaFunctions.Version, (1, 0x10002)), (0, 0x10002), (register, 0x10002))));

    /// <summary>outer call, inner call, inner return (the callee's answer), outer return.</summary>
    static string Proxy(ulong[] caller, ulong[] forwarded, ulong[] answer, ulong[] back)
    {
        var (b, c) = System();
        b.FirmwareCall(c, caller);
        b.FirmwareCall(c, forwarded);
        b.FirmwareReturn(c, answer);
        b.FirmwareReturn(c, back);
        return Run(b);
    }

    static readonly ulong[] Run64 = R(FfaFunctions.Run64, (1, 0x8001), (8, 8));
    static readonly ulong[] Resp2 = R(FfaFunctions.DirectResp2, (1, 0x8001), (4, 4), (9, 9), (17, 17));

    [TestMethod]
    public void Proxy_PassesTheAnswerOn_Clean() => Assert.AreEqual("", Proxy(Run64, Run64, Resp2, Resp2));

    [TestMethod]
    [DataRow(9, "smccc-result-lost@3[call=0,callee-return=2]")]  // DIRECT_RESP2 carries x4..x17
    [DataRow(0, "smccc-clobber@3[call=0] smccc-result-lost@3[call=0,callee-return=2]")]  // and its own ID (then no function answers:
                                                                    // x4..x17 are promised back, and DIRECT_RESP2's x4, x9, x17 differ)
    [DataRow(2, "")]                                                // x2, x3 are MBZ: no result
    public void Proxy_ChangesARegisterOfTheAnswer_LostWhenItCarriesResults(int register, string expected) =>
        Assert.AreEqual(expected, Proxy(Run64, Run64, Resp2, With(Resp2, (register, 0x77))));

    [TestMethod]
    public void Proxy_UnknownAnswer_NoResultsToLose() =>
        // The answer is no function: none of its registers is a result, so the proxy changing x0 and x1 loses none
        // (and keeping x4..x17 as the host passed them clobbers none).
        Assert.AreEqual("", Proxy(Run64, Run64, With(Run64, (0, 0x5), (1, 0x9)), With(Run64, (0, 0), (1, 0))));

    [TestMethod]
    public void Proxy_AnswersByItself_NoCalleeNoResultLost()
    {
        var (b, c) = System();
        b.FirmwareCall(c, Run64);
        b.FirmwareReturn(c, With(Run64, (0, FfaFunctions.Error), (2, 0xffff_ffff))); // the host's x4..x17 kept
        Assert.AreEqual("", Run(b));
    }

    [TestMethod]
    public void Proxy_TwoCallsDown_TheLastAnswerIsTheOneToPassOn()
    {
        var interrupt = With(Run64, (0, 0x8400_0062), (1, 0x8001), (2, 5)); // FFA_INTERRUPT: x0..x2, x4..x17 kept
        foreach (var (back, expected) in new[] { (Resp2, ""), (interrupt, "smccc-result-lost@5[call=0,callee-return=4]") })
        {
            var (b, c) = System();
            b.FirmwareCall(c, Run64);
            b.FirmwareCall(c, Run64);
            b.FirmwareReturn(c, interrupt);
            b.FirmwareCall(c, Run64);
            b.FirmwareReturn(c, Resp2);
            b.FirmwareReturn(c, back);
            Assert.AreEqual(expected, Run(b));
        }
    }

    /// <summary>
    /// FF-A 1.3's SMC64 answers carry the results of their SMC32 forms (DEN0077 1.3, Tables 12.4, 14.3, 14.9, 14.17,
    /// 14.20): a proxy that drops one loses a result. Unknown before they were modelled (no finding).
    /// </summary>
    [TestMethod]
    [DataRow(0xC400_006Cu, 3, "smccc-result-lost@3[call=0,callee-return=2]")]  // FFA_YIELD_64: x3 the timeout's high half
    [DataRow(0xC400_0060u, 2, "smccc-result-lost@3[call=0,callee-return=2]")]  // FFA_ERROR_64: x2 the error code
    [DataRow(0xC400_0062u, 2, "smccc-result-lost@3[call=0,callee-return=2]")]  // FFA_INTERRUPT_64: x2 the interrupt ID
    [DataRow(0xC400_006Bu, 2, "smccc-result-lost@3[call=0,callee-return=2]")]  // FFA_MSG_WAIT_64: x2 the flags
    [DataRow(0xC400_006Cu, 4, "smccc-clobber@3[call=0]")]                      // x4 is no result of FFA_YIELD_64: the host's, promised back
    [DataRow(0xC400_007Cu, 1, "")]                                             // FFA_NORMAL_WORLD_RESUME_64: x0 only
    public void Proxy_Ffa13Smc64Answer_ItsResultRegistersArePassedOn(uint answer, int dropped, string expected)
    {
        var (b, c) = System();
        var host = With(Run64, (4, 4));
        var callee = With(host, (0, answer), (1, 0x8001_0002), (2, 0xFFFF_FFFE), (3, 0x77)); // x4..x17 kept
        b.FirmwareCall(c, host);                         // #0 host: FFA_RUN (SMC64)
        b.FirmwareCall(c, host);                         // #1 proxy forwards
        b.FirmwareReturn(c, callee);                     // #2 the callee's answer
        b.FirmwareReturn(c, With(callee, (dropped, 0))); // #3 the proxy drops one register
        Assert.AreEqual(expected, Run(b));
    }

    /// <summary>An SMC32 answer is w0..w7 (SMCCC): its function ID is w0, whatever the upper half of x0 holds.</summary>
    [TestMethod]
    [DataRow(0xFFFF_FFFF_8400_0070ul, "")]                        // DIRECT_RESP_32: x4..x7 carry the message
    [DataRow(0x0000_0001_8400_0070ul, "")]
    [DataRow(0x0000_0001_C400_0070ul, "smccc-clobber@1[call=0]")] // an SMC64 ID with upper bits is no ID: x4 promised back
    public void Clobber_Smc32AnswerWithUpperBitsInX0_ReadAsItsW0(ulong x0, string expected) =>
        Assert.AreEqual(expected, OneCall(R(FfaFunctions.DirectReq32, (1, 0x8001), (4, 0x22)), R(x0, (1, 0x8001_0000), (4, 0x44))));

    [TestMethod]
    public void Proxy_TwoLevels_EachReturnJudgedAgainstItsOwnCallee()
    {
        var (b, c) = System();
        b.FirmwareCall(c, Run64);           // #0 host
        b.FirmwareCall(c, Run64);           // #1 hypervisor
        b.FirmwareCall(c, Run64);           // #2 SPMD
        b.FirmwareReturn(c, Resp2);         // #3 partition's answer
        b.FirmwareReturn(c, With(Resp2, (9, 0))); // #4 SPMD loses x9
        b.FirmwareReturn(c, With(Resp2, (9, 0))); // #5 hypervisor passes on what it got: clean
        Assert.AreEqual("smccc-result-lost@4[call=1,callee-return=3]", Run(b));
    }

    [TestMethod]
    public void Calls_NestPerCpu_OtherCpusCallsDoNotPair()
    {
        var b = new TraceBuilder(Arch.Arm64);
        ushort c0 = b.Cpu("cpu0"), c1 = b.Cpu("cpu1");
        b.FirmwareCall(c0, Caller32);
        b.FirmwareCall(c1, R(Unknown64));
        b.FirmwareReturn(c0, With(Caller32, (0, 0)));
        b.FirmwareReturn(c1, R(0, (3, 9))); // paired with cpu0's call, x4 would differ
        Assert.AreEqual("", Run(b));
    }

    static ReplayInputException ReplayError(Arch arch, Action<TraceBuilder, ushort> steps)
    {
        var b = new TraceBuilder(arch);
        var c = b.Cpu("cpu0");
        steps(b, c);
        var t = b.Build();
        var engine = DetectorRegistry.CreateEngine(t.Metadata);
        return Assert.ThrowsExactly<ReplayInputException>(() => engine.Process(t.ToBatch()));
    }

    [TestMethod]
    public void Replay_ReturnWithoutCall_OneLineError()
    {
        var e = ReplayError(Arch.Arm64, (b, c) => { b.FirmwareCall(c, R(1)); b.FirmwareReturn(c, R(0)); b.FirmwareReturn(c, R(0)); });
        Assert.AreEqual("event #2: ret on cpu0 with no open smc/hvc call (a return closes its cpu's innermost open call)", e.Message);
        Assert.AreEqual(2, e.EventIndex);
    }

    [TestMethod]
    public void Replay_CallsNestedToTheCap_Replayed()
    {
        var (b, c) = System();
        for (int d = 0; d < Replay.Firmware.FirmwareNesting.MaxDepth; d++) b.FirmwareCall(c, R(Unknown32, (8, (ulong)d)));
        for (int d = Replay.Firmware.FirmwareNesting.MaxDepth - 1; d >= 0; d--) b.FirmwareReturn(c, R(0, (8, (ulong)d)));
        Assert.AreEqual("", Run(b));
    }

    [TestMethod]
    [DataRow(FirmwareConduit.Smc, "smc")]
    [DataRow(FirmwareConduit.Hvc, "hvc")]
    public void Replay_CallNestedBeyondTheCap_OneLineErrorAtTheCall(FirmwareConduit conduit, string op)
    {
        // Each open call holds three register files: nesting is capped, so memory follows the cap, not the input.
        int max = Replay.Firmware.FirmwareNesting.MaxDepth;
        var e = ReplayError(Arch.Arm64, (b, c) =>
        {
            for (int d = 0; d <= max; d++) b.FirmwareCall(c, R(1), conduit);
            b.FirmwareReturn(c, R(0), conduit);
        });
        Assert.AreEqual($"event #{max}: {op} on cpu0 opens a firmware call nested {max + 1} deep: calls nest at most {max} deep per cpu (model.md §12)", e.Message);
        Assert.AreEqual((long)max, e.EventIndex);
    }

    [TestMethod]
    public void Replay_ReturnConduitDiffersFromItsCall_OneLineError()
    {
        var e = ReplayError(Arch.Arm64, (b, c) => { b.FirmwareCall(c, R(1), FirmwareConduit.Hvc); b.FirmwareReturn(c, R(0)); });
        Assert.AreEqual("event #1: ret by smc closes the hvc call #0", e.Message);
    }

    [TestMethod]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.Sc)]
    public void Replay_FirmwareCallOnAnotherArch_OneLineError(Arch arch)
    {
        var e = ReplayError(arch, (b, c) => b.FirmwareCall(c, R(1)));
        Assert.AreEqual($"event #0: smc in a trace of arch {arch.Name()}: smc/hvc firmware calls are arm64 instructions", e.Message);
    }

    [TestMethod]
    public void Replay_FirmwareCallWithoutItsRegisters_OneLineError()
    {
        var b = new TraceBuilder(Arch.Arm64);
        var c = b.Cpu("cpu0");
        var t = b.Build();
        var batch = new EventBatch(4);
        batch.Reset(0);
        batch.Append(new TraceEvent(EventKind.FirmwareCall, c, 0, 8, 0), new byte[8]);
        var engine = DetectorRegistry.CreateEngine(t.Metadata);
        var e = Assert.ThrowsExactly<ReplayInputException>(() => engine.Process(batch));
        Assert.AreEqual("event #0: smc carries 8 bytes: expected 144 (x0..x17, 8 bytes each)", e.Message);
    }
}
