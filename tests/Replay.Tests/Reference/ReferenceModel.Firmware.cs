using System.Buffers.Binary;
using TraceTools.Detectors.Smccc;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// model.md §12, literally: the call a return closes and the calls one level down are found by scanning the
/// whole trace (no stacks); the convention and the results are written out from the text. Only the table of
/// FF-A answers (function ID → registers) is shared with the detectors: it is data from the spec.
/// </summary>
public sealed partial class ReferenceModel
{
    const uint FfaVersion = 0x8400_0063;

    ulong Reg(int i, int r) => BinaryPrimitives.ReadUInt64LittleEndian(_t.Events[i].Data.AsSpan(8 * r, 8));

    bool IsFirmware(int i, EventKind kind) => KindOf(i) == kind;

    /// <summary>The call return <paramref name="ret"/> closes: the latest earlier call of its cpu not closed by a return in between.</summary>
    int CallOf(int ret)
    {
        int open = 0;
        for (int j = ret - 1; j >= 0; j--)
        {
            if (AgentOf(j) != AgentOf(ret)) continue;
            if (IsFirmware(j, EventKind.FirmwareReturn)) open++;
            else if (IsFirmware(j, EventKind.FirmwareCall) && open-- == 0) return j;
        }
        throw new InvalidOperationException($"#{ret}: a return without a call");
    }

    /// <summary>The return that closes <paramref name="call"/>, or -1 while it is still open at the end.</summary>
    int ReturnOf(int call)
    {
        for (int k = call + 1; k < _n; k++)
            if (IsFirmware(k, EventKind.FirmwareReturn) && AgentOf(k) == AgentOf(call) && CallOf(k) == call) return k;
        return -1;
    }

    /// <summary>The call <paramref name="call"/> was made inside: the latest earlier call of its cpu still open at it, or -1.</summary>
    int ParentOf(int call)
    {
        for (int j = call - 1; j >= 0; j--)
        {
            if (AgentOf(j) != AgentOf(call) || !IsFirmware(j, EventKind.FirmwareCall)) continue;
            int r = ReturnOf(j);
            if (r < 0 || r > call) return j;
        }
        return -1;
    }

    /// <summary>The registers carrying results of call <paramref name="call"/> answered by return <paramref name="ret"/>.</summary>
    HashSet<int> Results(int call, int ret)
    {
        if ((uint)Reg(call, 0) == FfaVersion) return [0]; // a version number in w0, not a function ID
        ulong answer = Reg(ret, 0);
        foreach (var f in FfaFunctions.All)
        {
            // An SMC32 answer is w0..w7: its ID is w0, the upper half of x0 is not part of it.
            bool smc32 = (f.Id & (1u << 30)) == 0;
            if (smc32 ? (uint)answer == f.Id : answer == f.Id) return [.. Enumerable.Range(0, 18).Where(r => (f.Results & (1u << r)) != 0)];
        }
        return [];
    }

    void SmcccClobber(List<Finding> all)
    {
        foreach (int ret in EventsOf(EventKind.FirmwareReturn))
        {
            int call = CallOf(ret);
            bool smc64 = (Reg(call, 0) & (1ul << 30)) != 0;
            var results = Results(call, ret);
            for (int r = 4; r <= 17; r++)
            {
                // x4..x17 come back unless results; an SMC32 function's results are w0..w7, so x8..x17 always do.
                bool preserved = !results.Contains(r) || (!smc64 && r >= 8);
                if (preserved && Reg(ret, r) != Reg(call, r))
                {
                    all.Add(F(FindingKind.SmcccClobber, ret, ("call", call)));
                    break;
                }
            }
        }
    }

    void SmcccResultLost(List<Finding> all)
    {
        foreach (int ret in EventsOf(EventKind.FirmwareReturn))
        {
            int call = CallOf(ret);
            int calleeReturn = -1;
            for (int k = call + 1; k < ret; k++)
                if (IsFirmware(k, EventKind.FirmwareReturn) && AgentOf(k) == AgentOf(ret) && ParentOf(CallOf(k)) == call) calleeReturn = k;
            if (calleeReturn < 0) continue; // the proxy answered by itself
            var results = Results(CallOf(calleeReturn), calleeReturn);
            if (results.Any(r => Reg(ret, r) != Reg(calleeReturn, r)))
                all.Add(F(FindingKind.SmcccResultLost, ret, ("call", call), ("callee-return", calleeReturn)));
        }
    }
}
