using TraceTools.Detectors.Smccc;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

// Firmware calls (arm64 only, as the language allows): a caller's call, a proxy's calls one level down (or
// two), the callees' answers, and the proxy's return built by one of the copies real proxies make (blind x0..x17,
// keyed on the call's convention, by the answer's results, the caller's registers kept), sometimes perturbed;
// a call left open now and then, and another cpu's call interleaved.
public sealed partial class TraceGenerator
{
    /// <summary>The kinds this part draws (arm64 traces only).</summary>
    static EventKind[] FirmwareKinds => [EventKind.FirmwareCall, EventKind.FirmwareReturn]; // a property: partial files initialize in no set order

    static readonly uint[] CallIds =
        [FfaFunctions.DirectReq32, FfaFunctions.Run, FfaFunctions.Version, FfaFunctions.Run64, FfaFunctions.DirectReq2, 0x8400_0001, 0xC400_0002];

    static readonly ulong[] AnswerIds =
        [FfaFunctions.DirectResp32, FfaFunctions.DirectResp2, 0x10002, FfaFunctions.Error, 0xC400_0061, 0x8400_0061, 0x8400_0062, 0];

    ulong RegisterValue() => Pick(0ul, 0ul, 1ul, 2ul, 0x10ul, 0xffff_0000_1234_5000ul);

    void FirmwareCalls()
    {
        ushort c = Cpu;
        var conduit = Chance(50) ? FirmwareConduit.Smc : FirmwareConduit.Hvc;
        var call = new ulong[18];
        call[0] = Pick(CallIds);
        for (int r = 1; r < 18; r++) call[r] = RegisterValue();
        _b.FirmwareCall(c, call, conduit);
        if (Chance(10)) return; // left open: later calls of c nest inside it
        var answer = Chance(65) ? Proxy(c, call, depth: 1) : Answer(call);
        _b.FirmwareReturn(c, answer, conduit);
    }

    /// <summary>The proxy's calls one level down, then its return to the caller: what it copies decides the findings.</summary>
    ulong[] Proxy(ushort c, ulong[] caller, int depth)
    {
        ulong[] inner = [], innerAnswer = [];
        int calls = Chance(75) ? 1 : 2;
        for (int k = 0; k < calls; k++)
        {
            inner = new ulong[18];
            for (int r = 0; r < 18; r++) inner[r] = r < 8 || Chance(50) ? caller[r] : 0;
            if (Chance(20)) inner[0] = Pick(CallIds);
            _b.FirmwareCall(c, inner);
            if (_cpus.Count > 1 && Chance(20)) OtherCpuCall(c);
            innerAnswer = depth < 2 && Chance(20) ? Proxy(c, inner, depth + 1) : Answer(inner);
            _b.FirmwareReturn(c, innerAnswer);
        }
        var back = (ulong[])caller.Clone();
        switch (_rng.Next(4))
        {
            case 0: back = (ulong[])innerAnswer.Clone(); break; // blind: x0..x17
            case 1: // keyed on the caller's convention
                int upTo = SmcccConvention.IsSmc64(caller[0]) ? 17 : 7;
                Array.Copy(innerAnswer, back, upTo + 1);
                break;
            case 2: // the answer's results
                uint results = FfaFunctions.ResultRegisters(inner[0], innerAnswer[0]);
                for (int r = 0; r < 18; r++) if ((results & (1u << r)) != 0) back[r] = innerAnswer[r];
                break;
            default: back[0] = Pick(AnswerIds); break; // answers by itself, caller's registers kept
        }
        if (Chance(20)) back[_rng.Next(18)] = RegisterValue();
        return back;
    }

    /// <summary>A callee's answer: an answer ID, results in some registers, the rest preserved, sometimes one clobbered.</summary>
    ulong[] Answer(ulong[] call)
    {
        var answer = (ulong[])call.Clone();
        answer[0] = Pick(AnswerIds);
        int last = Pick(3, 7, 17);
        for (int r = 1; r <= last; r++) if (Chance(60)) answer[r] = RegisterValue();
        if (Chance(15)) answer[_rng.Next(4, 18)] = RegisterValue();
        return answer;
    }

    void OtherCpuCall(ushort busy)
    {
        ushort o = OtherCpu(busy);
        var call = new ulong[18];
        call[0] = Pick(CallIds);
        for (int r = 1; r < 18; r++) call[r] = RegisterValue();
        _b.FirmwareCall(o, call);
        _b.FirmwareReturn(o, Answer(call));
    }
}
