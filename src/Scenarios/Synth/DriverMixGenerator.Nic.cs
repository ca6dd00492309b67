using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// NIC tx and rx rings. A descriptor is one 16-byte table entry: bytes 0..7 the OWN word (present bit
/// 0; the cpu sets it, the NIC clears it on write-back), bytes 8..15 address | length &lt;&lt; 32 |
/// status &lt;&lt; 48 (payload; the NIC writes the status back).
/// </summary>
public sealed partial class DriverMixGenerator
{
    const ulong StatusDone = 1UL << 48;
    const ulong TxTail = RingIndex, SqTail = RingIndex + 8;
    uint _txTail;

    static ulong DescPayload(ulong buffer, int length) => (uint)buffer | ((ulong)(uint)length << 32);

    void NicTxStep(int cpu, ref Lane lane)
    {
        int d = lane.Slot;
        ulong desc = TxRing + (ulong)(d * DescSize);
        ulong buf = TxBuf + (ulong)d * BufferSize;
        switch (lane.Step++)
        {
            case 0:
                // xmit under tx_lock: copy, descriptor, dma_wmb, OWN, tail, writel doorbell.
                PrepareRequest(cpu, RequestKind.Tx, d, lane.Length, Site.TxPrepare);
                Lock(cpu, TxLock, Site.TxLock);
                Load(cpu, TxTail, 4, Site.TxTailLoad);
                Copy(cpu, buf, lane.Length, Site.TxCopy);
                StoreEntry(cpu, TxRing, DescSize, d, 8, DescPayload(buf, lane.Length), Site.TxDescWrite);
                if (lane.Bug != InjectedBug.TxOwnNoWmb) Barrier(cpu, DmaWmb, Site.TxOwnBarrier);
                long own = StoreEntry(cpu, TxRing, DescSize, d, 0, 1, Site.TxOwnSet);
                if (lane.Bug == InjectedBug.TxOwnNoWmb) Expect(lane.Bug, own);
                Store(cpu, TxTail, 4, ++_txTail, Site.TxTailStore);
                Barrier(cpu, DmaWmb, Site.TxDoorbellBarrier);
                MmioWrite(cpu, NicRegs + 0x10, (uint)d, Site.TxDoorbell);
                Unlock(cpu, TxLock, Site.TxUnlock);
                break;
            case 1:
                Fetch(Nic, TxRing, DescSize, DescSize, d, 0, Site.NicDescFetch);
                DmaRead(Nic, buf, lane.Length, Site.NicTxDmaRead);
                if (lane.Bug == InjectedBug.TxReuse)
                {
                    // Glued to the read: no completion can reach the cpu in between, so neither is hb-before the other.
                    Expect(lane.Bug, Copy(cpu, buf, 64, Site.TxReuse));
                }
                break;
            case 2:
                StoreEntry(Nic, TxRing, DescSize, d, 8, DescPayload(buf, lane.Length) | StatusDone, Site.NicWriteBack);
                StoreEntry(Nic, TxRing, DescSize, d, 0, 0, Site.NicOwnClear);
                break;
            case 3:
                // Raise and take are adjacent: each take_irq pairs with exactly its own raise.
                RaiseIrq(Nic, Site.NicIrq);
                TakeIrq(cpu, Nic, Site.TxIrq);
                break;
            default:
                Lock(cpu, TxLock, Site.TxCleanLock);
                Load(cpu, desc, 8, Site.TxOwnLoad);
                Barrier(cpu, DmaRmb, Site.TxCleanRmb);
                Load(cpu, desc + 8, 8, Site.TxStatusLoad);
                Unlock(cpu, TxLock, Site.TxCleanUnlock);
                CompleteRequest(cpu, RequestKind.Tx, d, Site.TxComplete);
                Finish(ref lane);
                break;
        }
    }

    void NicRxStep(int cpu, ref Lane lane)
    {
        int r = lane.Slot;
        ulong desc = RxRing + (ulong)(r * DescSize);
        ulong buf = RxBuf + (ulong)r * BufferSize;
        switch (lane.Step)
        {
            case 0:
                // Refill: descriptor, dma_wmb, OWN, writel doorbell.
                PrepareRequest(cpu, RequestKind.Rx, r, BufferSize, Site.RxPrepare);
                StoreEntry(cpu, RxRing, DescSize, r, 8, DescPayload(buf, BufferSize), Site.RxDescWrite);
                if (lane.Bug != InjectedBug.RxOwnNoWmb) Barrier(cpu, DmaWmb, Site.RxOwnBarrier);
                long own = StoreEntry(cpu, RxRing, DescSize, r, 0, 1, Site.RxOwnSet);
                if (lane.Bug == InjectedBug.RxOwnNoWmb) Expect(lane.Bug, own);
                Barrier(cpu, DmaWmb, Site.RxDoorbellBarrier);
                MmioWrite(cpu, NicRegs + 0x20, (uint)r, Site.RxDoorbell);
                lane.Step = lane.Polls > 0 ? 1 : 2;
                break;
            case 1:
                // NAPI polls that still see OWN = 1 (its own store): no device data involved.
                Load(cpu, desc, 8, Site.RxPoll);
                if (--lane.Polls == 0) lane.Step = 2;
                break;
            case 2:
                Fetch(Nic, RxRing, DescSize, DescSize, r, 0, Site.NicDescFetch);
                DmaCopy(Nic, buf, lane.Length, Site.NicRxDmaWrite);
                if (lane.Bug == InjectedBug.RxEarlyRead)
                {
                    // Glued: the cpu peeks before OWN is cleared, so nothing orders the write before its load.
                    Expect(lane.Bug, Load(cpu, buf, lane.Length, Site.RxCopy));
                }
                StoreEntry(Nic, RxRing, DescSize, r, 8, DescPayload(buf, lane.Length) | StatusDone, Site.NicWriteBack);
                StoreEntry(Nic, RxRing, DescSize, r, 0, 0, Site.NicOwnClear);
                lane.Step = 3;
                break;
            default:
                // The poll that sees OWN = 0 acquires the NIC's writes; only dma_rmb orders the loads after it.
                Load(cpu, desc, 8, Site.RxPoll);
                if (lane.Bug != InjectedBug.RxNoRmb) Barrier(cpu, DmaRmb, Site.RxRmb);
                long status = Load(cpu, desc + 8, 8, Site.RxStatusLoad);
                long data = Load(cpu, buf, lane.Length, Site.RxCopy);
                if (lane.Bug == InjectedBug.RxNoRmb)
                {
                    Expect(lane.Bug, status);
                    Expect(lane.Bug, data);
                }
                CompleteRequest(cpu, RequestKind.Rx, r, Site.RxComplete);
                Finish(ref lane);
                break;
        }
    }
}
