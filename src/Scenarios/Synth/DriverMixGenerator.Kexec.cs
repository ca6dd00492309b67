using TraceTools.TraceFormat;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// docs/model.md §11 in the mix: <c>eth</c>, a NIC whose driver maps each rx buffer through the DMA API, and kexec.
/// An eth rx instance maps the buffer from_device, rings the rx tail, the device writes the frame and interrupts,
/// the handler unmaps and reads it. A kexec instance starts an eth rx the same way, then in one glued segment shuts
/// the machine down: every DMA-capable device quiesced (nic, nvme, dsp, eth), the SMMU put in bypass for eth, the
/// handover, the new kernel's SMMU translating again; then it unmaps the old buffer. Glued, so that no doorbell of another cpu's instance lands between the
/// quiesces and the handover (it would be a DMA the old owner started and nobody stopped).
/// </summary>
public sealed partial class DriverMixGenerator
{
    void EthStep(int cpu, ref Lane lane)
    {
        ulong buf = EthBuf + (ulong)lane.Slot * BufferSize;
        int n = lane.Length;
        switch (lane.Step++)
        {
            case 0:
                // The injected bug's map names the direction it passes, as its code would.
                if (lane.Bug == InjectedBug.EthWrongDirection) DmaMap(cpu, buf, n, Eth, DmaDirection.ToDevice, Site.EthMapToDevice);
                else DmaMap(cpu, buf, n, Eth, DmaDirection.FromDevice, Site.EthMap);
                Barrier(cpu, DmaWmb, Site.EthDoorbellBarrier);
                MmioWrite(cpu, EthRegs + 0x20, (uint)lane.Slot, Site.EthDoorbell);
                break;
            case 1:
                long write = DmaCopy(Eth, buf, n, Site.EthRxDmaWrite);
                if (lane.Bug == InjectedBug.EthWrongDirection) Expect(lane.Bug, write);
                break;
            case 2:
                RaiseIrq(Eth, Site.EthIrq);
                TakeIrq(cpu, Eth, Site.EthTakeIrq);
                if (lane.Protocol == Protocol.Kexec) lane.Step = 4;
                break;
            case 3:
                DmaUnmap(cpu, buf, n, Eth, Site.EthUnmap);
                // Glued to the unmap: the device reads the buffer it no longer has a mapping for (no other mapping of
                // this cpu's slot can be live in between).
                if (lane.Bug == InjectedBug.EthDmaAfterUnmap) Expect(lane.Bug, DmaRead(Eth, buf, n, Site.EthLateRead));
                Load(cpu, buf, n, Site.EthRxLoad);
                Finish(ref lane);
                break;
            case 4:
                Shutdown(cpu, ref lane, buf, n);
                break;
            default:
                DmaUnmap(cpu, buf, n, Eth, Site.EthUnmap);
                Finish(ref lane);
                break;
        }
    }

    /// <summary>
    /// The glued kexec segment: a last rx refill doorbell, the quiesces, the IOMMU mode, the handover, and the new
    /// kernel's SMMU reset turning translation on again (so every kexec instance's refill rings eth under translate,
    /// and a mode change in the next one is a change). The KexecNoQuiesce variants skip eth's quiesce: eth's next rx
    /// write lands after the handover (its last doorbell, the refill's, lies before it) and is the trigger; then eth is
    /// stopped at once, so no other instance's eth DMA (started before the handover) is unquiesced too.
    /// KexecIommuBeforeQuiesce puts the SMMU in bypass before eth's quiesce (the IOMMU shut down before its client):
    /// eth's rx write between them is the trigger, under a mode that differs from the one its run began under (every eth
    /// doorbell since the last kexec rang after that kexec's reset, under translate). The
    /// frame goes to this instance's own buffer, still mapped from_device and never read by a cpu since the device's
    /// last write: no other finding.
    /// </summary>
    void Shutdown(int cpu, ref Lane lane, ulong buf, int n)
    {
        bool unquiesced = lane.Bug is InjectedBug.KexecNoQuiesce or InjectedBug.KexecNoQuiesceAbort;
        bool iommuFirst = lane.Bug == InjectedBug.KexecIommuBeforeQuiesce;
        // The last refill rings the rx tail inside the glued segment, so eth's last doorbell is this one whatever
        // other cpus' kexec instances quiesced since step 0.
        Barrier(cpu, DmaWmb, Site.EthDoorbellBarrier);
        MmioWrite(cpu, EthRegs + 0x20, (uint)lane.Slot, Site.EthDoorbell);
        Quiesce(cpu, Nic, Site.KexecQuiesce);
        Quiesce(cpu, Nvme, Site.KexecQuiesce);
        Quiesce(cpu, Dsp, Site.KexecQuiesce);
        var mode = lane.Bug == InjectedBug.KexecNoQuiesceAbort ? IommuTreatment.Abort : IommuTreatment.Bypass;
        if (iommuFirst)
        {
            IommuMode(cpu, Eth, mode, Site.KexecIommuMode);
            Expect(lane.Bug, DmaCopy(Eth, buf, n, Site.EthRxDmaWrite));
        }
        if (!unquiesced) Quiesce(cpu, Eth, Site.KexecQuiesce);
        if (!iommuFirst) IommuMode(cpu, Eth, mode, Site.KexecIommuMode);
        Handover(cpu, Site.KexecHandover);
        if (unquiesced)
        {
            Expect(lane.Bug, DmaCopy(Eth, buf, n, Site.EthRxDmaWrite));
            Quiesce(cpu, Eth, Site.KexecQuiesce);
        }
        IommuMode(cpu, Eth, IommuTreatment.Translate, Site.KexecIommuReset);
    }
}
