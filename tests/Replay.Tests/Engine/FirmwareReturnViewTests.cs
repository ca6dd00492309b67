using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Firmware;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// What a detector's firmware-return hook is handed (<see cref="FirmwareReturn"/>, docs/model.md §12): the call the
/// return closes (its cpu's innermost open call) with its registers, and the last call that frame made one level
/// down with that call's return. The smccc detectors read only the registers and <see cref="FirmwareReturn.InnerReturn"/>,
/// so the differential does not see <see cref="FirmwareReturn.InnerCall"/>; here every field is expected by hand on a
/// proxy whose first call is itself a proxy (three levels) and whose second call answers by itself, with another cpu's
/// call in between.
/// </summary>
[TestClass]
public sealed class FirmwareReturnViewTests
{
    /// <summary>What the hook saw for one return.</summary>
    sealed record Seen(long Index, int Agent, long Call, ulong CallX1, ulong X1, long InnerCall, ulong InnerCallX1, long InnerReturn, ulong InnerReturnX1);

    /// <summary>Records every firmware return (x1 stands for each register file: the call's, the return's, the inner ones'); reports nothing.</summary>
    sealed class ReturnRecorder : IDetector
    {
        public readonly List<Seen> Seen = [];
        public FindingKind Kind => FindingKind.SmcccResultLost;
        public DetectorHooks Hooks => DetectorHooks.FirmwareReturn;
        public DetectorNeeds Needs => DetectorNeeds.None;

        public void OnFirmwareReturn(DetectorView view, in FirmwareReturn ret)
        {
            Assert.AreEqual(FirmwareFrames.Registers, ret.Registers.Length, $"return #{ret.Index}: x0..x17");
            Assert.AreEqual(0x17 + ret.Registers[1], ret.Registers[17], $"return #{ret.Index}: x17");
            ulong Reg(ReadOnlySpan<ulong> r) => r.IsEmpty ? ulong.MaxValue : r[1];
            Seen.Add(new(ret.Index, ret.Agent, ret.Call, Reg(ret.CallRegisters), Reg(ret.Registers), ret.InnerCall, Reg(ret.InnerCallRegisters), ret.InnerReturn, Reg(ret.InnerReturnRegisters)));
        }
    }

    static ulong[] Regs(ulong x0, ulong x1)
    {
        var r = new ulong[18];
        r[0] = x0;
        r[1] = x1;
        r[17] = 0x17 + x1; // the last register too
        return r;
    }

    [TestMethod]
    public void NestedProxies_EachReturnSeesItsCallAndItsFramesLastInnerCall()
    {
        const ulong Req = 0x8400_006f, Resp = 0x8400_0070;
        var b = new Reference.TraceBuilder(Arch.Arm64);
        var cpu0 = b.Cpu("cpu0");
        var cpu1 = b.Cpu("cpu1");
        b.FirmwareCall(cpu0, Regs(Req, 0xa));                             // #0 host's call A
        b.FirmwareCall(cpu0, Regs(Req, 0xb));                             // #1 proxy's call B
        b.FirmwareCall(cpu0, Regs(Req, 0xc), FirmwareConduit.Hvc);        // #2 B's callee proxies again: C
        b.FirmwareCall(cpu1, Regs(Req, 0xe));                             // #3 another cpu's call E
        b.FirmwareReturn(cpu0, Regs(Resp, 0xc0), FirmwareConduit.Hvc);    // #4 closes C: no inner call
        b.FirmwareReturn(cpu0, Regs(Resp, 0xb0));                         // #5 closes B: inner C, #4
        b.FirmwareReturn(cpu1, Regs(Resp, 0xe0));                         // #6 closes E (cpu1)
        b.FirmwareCall(cpu0, Regs(Req, 0xd));                             // #7 proxy's second call D (B's frame reused)
        b.FirmwareReturn(cpu0, Regs(Resp, 0xd0));                         // #8 closes D: it made no call of its own
        b.FirmwareReturn(cpu0, Regs(Resp, 0xa0));                         // #9 closes A: its last inner call is D, #8
        var trace = b.Build();
        var recorder = new ReturnRecorder();
        using (var engine = new ReplayEngine(trace.Metadata, ReplayOptions.Default, [recorder]))
        {
            engine.Process(trace.ToBatch());
            engine.Complete();
        }
        const ulong None = ulong.MaxValue;
        Seen[] expected =
        [
            new(4, cpu0, 2, 0xc, 0xc0, -1, None, -1, None),
            new(5, cpu0, 1, 0xb, 0xb0, 2, 0xc, 4, 0xc0),
            new(6, cpu1, 3, 0xe, 0xe0, -1, None, -1, None),
            new(8, cpu0, 7, 0xd, 0xd0, -1, None, -1, None),
            new(9, cpu0, 0, 0xa, 0xa0, 7, 0xd, 8, 0xd0),
        ];
        CollectionAssert.AreEqual(expected, recorder.Seen, $"seen: {string.Join(" ", recorder.Seen)}");
    }
}
