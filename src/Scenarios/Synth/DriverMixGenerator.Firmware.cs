using System.Buffers.Binary;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// An FF-A call through pKVM's proxy (arm64 only; docs/synth.md): the host's smc, the hypervisor's forwarded
/// smc to EL3, EL3's answer, the hypervisor's return to the host. The clean proxy copies back what the host's
/// convention allows (SMC32: x0..x7, the host's x8..x17 kept; SMC64: x0..x17). Firmware events carry no
/// ordering, so these segments interleave freely with every other instance.
/// </summary>
public sealed partial class DriverMixGenerator
{
    const uint DirectReq32 = 0x8400_006F, DirectResp32 = 0x8400_0070, DirectReq2 = 0xC400_008D, DirectResp2 = 0xC400_008E;
    const uint FfaRun = 0x8400_006D, FfaRun64 = 0xC400_006D, FfaVersion = 0x8400_0063, FfaError = 0x8400_0060;
    const int Regs = EventKinds.RegisterBytes / 8;

    /// <summary>Per cpu: the host's call, the forwarded call and EL3's answer of the instance in progress.</summary>
    readonly ulong[] _fwCaller = new ulong[Cpus * Regs], _fwForward = new ulong[Cpus * Regs], _fwAnswer = new ulong[Cpus * Regs];
    readonly ulong[] _fwBack = new ulong[Regs];
    readonly uint[] _fwFunction = new uint[Cpus];
    readonly byte[] _fwBytes = new byte[EventKinds.RegisterBytes];

    bool FirmwareInMix => Metadata.Arch == Arch.Arm64;

    /// <summary>The host's function: the bug's, or one of the four clean calls (32-bit direct request, the 64-bit run of FF-A 1.3, version, DIRECT_REQ2).</summary>
    void StartFirmware(int cpu, ref Lane lane)
    {
        lane.Slot = cpu;
        _fwFunction[cpu] = lane.Bug switch
        {
            InjectedBug.FirmwareBlindCopy => DirectReq32,
            InjectedBug.FirmwareNarrowCopy => DirectReq2,
            InjectedBug.FirmwareRunKeyedOnCall => FfaRun,
            InjectedBug.FirmwareVersionAsId => FfaVersion,
            _ => NextInt(4) switch { 0 => DirectReq32, 1 => FfaRun64, 2 => FfaVersion, _ => DirectReq2 },
        };
    }

    void FirmwareStep(int cpu, ref Lane lane)
    {
        var caller = _fwCaller.AsSpan(cpu * Regs, Regs);
        var forward = _fwForward.AsSpan(cpu * Regs, Regs);
        var answer = _fwAnswer.AsSpan(cpu * Regs, Regs);
        uint fid = _fwFunction[cpu];
        bool smc64 = (fid & (1u << 30)) != 0;
        switch (lane.Step++)
        {
            case 0:
            {
                ulong seq = ++_sequence & 0xFFFF;
                caller.Clear();
                caller[0] = fid;
                caller[1] = 0x8001;                                      // sender | receiver
                // The message and the host's live registers: fixed per cpu but the sequence in x2, so the register
                // blocks compress like the copies do (docs/synth.md); the answer's message differs from all of them.
                caller[2] = seq;
                for (int r = 3; r < Regs; r++) caller[r] = 0xFFFF_0000_0000_0000UL | (ulong)cpu << 8 | (uint)r;
                if (fid == FfaVersion) { caller[1] = 0x1_0002; caller[2] = caller[3] = 0; }
                // pKVM forwards x0..x17 of a 64-bit call and x0..x7 of a 32-bit one, from its own register block.
                caller.CopyTo(forward);
                if (!smc64) forward[8..].Clear();
                FirmwareEvent(EventKind.FirmwareCall, cpu, caller, Site.FwCall);
                FirmwareEvent(EventKind.FirmwareCall, cpu, forward, Site.FwForward);
                break;
            }
            case 1:
            {
                forward.CopyTo(answer);                                  // EL3 preserves what it does not answer in
                if (fid == FfaVersion) answer[0] = 0x1_0002;             // version 1.2: a number, not a function ID
                else
                {
                    bool resp2 = fid is DirectReq2 or FfaRun or FfaRun64;
                    answer[0] = resp2 ? DirectResp2 : DirectResp32;
                    answer[1] = 0x8001_0000;                                // receiver | sender, swapped
                    answer[2] = 0;
                    if (resp2) answer[3] = 0;
                    for (int r = resp2 ? 4 : 3; r < (resp2 ? Regs : 8); r++) answer[r] = 0x5000_0000UL | (uint)r;
                }
                long at = FirmwareEvent(EventKind.FirmwareReturn, cpu, answer, Site.FwAnswer);
                // DIRECT_RESP2's x8..x17 change under the proxy's own SMC32 FFA_RUN: FF-A 1.2's conflict, one level down.
                if (lane.Bug == InjectedBug.FirmwareRunKeyedOnCall) Expect(FindingKind.SmcccClobber, at);
                break;
            }
            default:
            {
                var back = _fwBack.AsSpan();
                caller.CopyTo(back);
                switch (lane.Bug)
                {
                    case InjectedBug.FirmwareBlindCopy:
                        answer.CopyTo(back);                             // x0..x17, the forwarded call's x8..x17 included
                        break;
                    case InjectedBug.FirmwareVersionAsId:
                        back[0] = FfaError;                              // 0x10002 is no function ID: "not supported"
                        back[2] = 0xFFFF_FFFF;
                        break;
                    default:
                        // Keyed on the call's convention: x0..x7 for SMC32 (right for DIRECT_REQ and VERSION, loses
                        // FFA_RUN's DIRECT_RESP2 payload); the bug NarrowCopy does the same for the 64-bit DIRECT_REQ2.
                        int upTo = smc64 && lane.Bug != InjectedBug.FirmwareNarrowCopy ? Regs : 8;
                        answer[..upTo].CopyTo(back);
                        break;
                }
                long at = FirmwareEvent(EventKind.FirmwareReturn, cpu, back, Site.FwReturn);
                if (lane.Bug != InjectedBug.None) Expect(lane.Bug, at);
                Finish(ref lane);
                break;
            }
        }
    }

    long FirmwareEvent(EventKind kind, int cpu, ReadOnlySpan<ulong> registers, Site site)
    {
        for (int r = 0; r < Regs; r++) BinaryPrimitives.WriteUInt64LittleEndian(_fwBytes.AsSpan(8 * r), registers[r]);
        return Emit(kind, cpu, 0, EventKinds.RegisterBytes, (uint)FirmwareConduit.Smc, site, _fwBytes);
    }
}
