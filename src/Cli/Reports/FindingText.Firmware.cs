using System.Text;
using TraceTools.Detectors.Smccc;
using TraceTools.Replay.Findings;
using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

// smccc-clobber and smccc-result-lost (model.md §12): which registers, which function, and the FFA_RUN conflict.
public sealed partial class FindingText
{
    ulong Register(long index, int r)
    {
        var data = _events.GetData(index);
        return data.Length == TraceFormat.EventKinds.RegisterBytes ? FirmwareSteps.Register(data, r) : 0;
    }

    uint Differing(long a, long b, uint mask)
    {
        uint changed = 0;
        for (int r = 0; r < 18; r++)
            if ((mask & (1u << r)) != 0 && Register(a, r) != Register(b, r)) changed |= 1u << r;
        return changed;
    }

    /// <summary><c>x8..x17</c>, <c>x0, x9</c>: a register mask as ranges.</summary>
    static string Registers(uint mask)
    {
        var sb = new StringBuilder();
        for (int r = 0; r < 18; r++)
        {
            if ((mask & (1u << r)) == 0) continue;
            int end = r;
            while (end + 1 < 18 && (mask & (1u << (end + 1))) != 0) end++;
            if (sb.Length > 0) sb.Append(", ");
            sb.Append(end == r ? $"x{N(r)}" : end == r + 1 ? $"x{N(r)}, x{N(end)}" : $"x{N(r)}..x{N(end)}");
            r = end;
        }
        return sb.ToString();
    }

    string FunctionName(ulong x0) => FfaFunctions.NameOf(x0) is { } name ? $"{name} ({EventText.Hex(x0)})" : EventText.Hex(x0);

    /// <summary>The call's convention as SMCCC names it, by its conduit and bit 30 of its function ID (SMC64, HVC32, ...).</summary>
    string Convention(long call) =>
        (_events[call].Aux == (uint)FirmwareConduit.Hvc ? "HVC" : "SMC") + (SmcccConvention.IsSmc64(Register(call, 0)) ? "64" : "32");

    /// <summary>FFA_RUN (SMC32) answered by DIRECT_RESP2: no copy satisfies both contracts (model.md §12).</summary>
    bool RunConflict(long call, long answer) =>
        (uint)Register(call, 0) == FfaFunctions.Run && Register(answer, 0) == FfaFunctions.DirectResp2;

    /// <summary>The conflict, and which contract this finding's copy broke.</summary>
    string RunConflictText => "no copy satisfies both contracts: FFA_RUN is an SMC32 call, so x8..x17 must come back unchanged, while "
        + "FFA_MSG_SEND_DIRECT_RESP2 carries its message in x4..x17; "
        + (_f.Kind == FindingKind.SmcccClobber
            ? "this copy passes the message on and breaks the SMC32 contract (keeping x8..x17 instead loses the message: smccc-result-lost)"
            : "this copy keeps the SMC32 contract and loses the message (copying x8..x17 instead breaks the contract: smccc-clobber)")
        + ". FF-A 1.3's 64-bit FFA_RUN (0xc400006d) removes the conflict";

    long CalleeReturn => Rel(RelatedRole.CalleeReturn);

    /// <summary>The registers the return changed that the call's convention preserves, as a mask (bit n: xn).</summary>
    uint ClobberedMask
    {
        get
        {
            long call = Rel(RelatedRole.Call);
            return Differing(call, _f.Trigger, SmcccConvention.Preserved(Register(call, 0), Register(_f.Trigger, 0)));
        }
    }

    string ClobberedRegisters => Registers(ClobberedMask);

    /// <summary>
    /// Each clobbered register with the value the call passed and the value the return gave back,
    /// <c>x8 0xffff000012345000 -> 0x0, x9 0x40 -> 0x0</c>: the trigger's marker. The title's ranges say which
    /// registers; the values tell a proxy that zeroed them from one that copied the callee's answer over them.
    /// </summary>
    string ClobberedValues
    {
        get
        {
            long call = Rel(RelatedRole.Call), t = _f.Trigger;
            uint mask = ClobberedMask;
            var sb = new StringBuilder();
            for (int r = 0; r < 18; r++)
            {
                if ((mask & (1u << r)) == 0) continue;
                if (sb.Length > 0) sb.Append(", ");
                sb.Append($"x{N(r)} {EventText.Hex(Register(call, r))} -> {EventText.Hex(Register(t, r))}");
            }
            return sb.ToString();
        }
    }

    string LostRegisters
    {
        get
        {
            long r = CalleeReturn;
            var innerCall = InnerCallOf(r);
            uint results = FfaFunctions.ResultRegisters(innerCall < 0 ? 0 : Register(innerCall, 0), Register(r, 0));
            return Registers(Differing(r, _f.Trigger, results));
        }
    }

    /// <summary>The call a return closes, found by walking back over its cpu's calls and returns (reports see few events).</summary>
    long InnerCallOf(long ret)
    {
        int agent = _events[ret].Agent, open = 0;
        for (long j = ret - 1; j >= 0 && _events.Has(j); j--)
        {
            var e = _events[j];
            if (e.Agent != agent) continue;
            if (e.Kind == TraceFormat.EventKind.FirmwareReturn) open++;
            else if (e.Kind == TraceFormat.EventKind.FirmwareCall && open-- == 0) return j;
        }
        return -1;
    }

    string FirmwareTitle => _f.Kind == FindingKind.SmcccClobber
        ? $"the return to {TriggerAgent} changes {ClobberedRegisters}, which its {Convention(Rel(RelatedRole.Call))} call {FunctionName(Register(Rel(RelatedRole.Call), 0))} must get back"
        : $"{TriggerAgent}'s proxy does not pass on {LostRegisters} of {FunctionName(Register(CalleeReturn, 0))}";

    string FirmwareMessage
    {
        get
        {
            long t = _f.Trigger, call = Rel(RelatedRole.Call);
            return _f.Kind == FindingKind.SmcccClobber
                ? $"{TriggerAgent}'s return at #{N(t)} changes {ClobberedRegisters}, which the {Convention(call)} convention of the call at #{N(call)} ({FunctionName(Register(call, 0))}) says must come back unchanged"
                : $"{TriggerAgent}'s return at #{N(t)} to the call at #{N(call)} differs from the callee's answer at #{N(CalleeReturn)} in {LostRegisters}, which carry results of {FunctionName(Register(CalleeReturn, 0))}";
        }
    }

    string FirmwareHelp
    {
        get
        {
            long t = _f.Trigger, call = Rel(RelatedRole.Call);
            if (_f.Kind == FindingKind.SmcccClobber)
            {
                if (RunConflict(call, t)) return RunConflictText;
                string them = System.Numerics.BitOperations.PopCount(ClobberedMask) > 1 ? "them" : "it";
                return $"give {ClobberedRegisters} back as the call at #{N(call)} passed {them}; copy from the answer only the registers that carry its results";
            }
            long answer = CalleeReturn, innerCall = InnerCallOf(answer);
            if (innerCall >= 0 && RunConflict(innerCall, answer)) return RunConflictText;
            if (innerCall >= 0 && (uint)Register(innerCall, 0) == FfaFunctions.Version)
                return $"FFA_VERSION is answered with a version number in w0 ({EventText.Hex(Register(answer, 0))}), not a function ID: pass w0 on to the caller";
            return $"pass {LostRegisters} of the answer at #{N(answer)} on to the caller";
        }
    }
}
