using System.Buffers.Binary;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// The NVMe-like queue pair: the SQE is copied into the submission queue (ram) under sq_lock, ordered
/// by <c>wmb</c> before the relaxed SQ doorbell; the device reads it, writes the data and a 16-byte
/// completion entry (sync) whose phase bit flips per use of the slot; the cpu polls the phase word,
/// then <c>dma_rmb</c>, then reads the data.
/// </summary>
public sealed partial class DriverMixGenerator
{
    readonly byte[] _cqPhase = new byte[Cpus * TagsPerCpu];
    uint _sqTail, _cqHead;

    /// <summary>
    /// The 64-byte command built field by field, as drivers do (opcode and command id, namespace, data
    /// pointer, starting block, block count): eight 8-byte stores at nearby addresses, most of them small values.
    /// </summary>
    void BuildSqe(int cpu, ulong sqe, int tag, ulong data, int length)
    {
        ulong lba = (ulong)tag << 3;
        Store(cpu, sqe, 8, 0x02UL | (ulong)(uint)tag << 16 | 1UL << 32, Site.SqeCopy);   // opcode read, cid, nsid 1
        Store(cpu, sqe + 8, 8, 0, Site.SqeCopy);                                         // reserved
        Store(cpu, sqe + 16, 8, 0, Site.SqeCopy);                                        // metadata pointer
        Store(cpu, sqe + 24, 8, data, Site.SqeCopy);                                     // prp1
        Store(cpu, sqe + 32, 8, 0, Site.SqeCopy);                                        // prp2
        Store(cpu, sqe + 40, 8, lba, Site.SqeCopy);                                      // cdw10..11: starting lba
        Store(cpu, sqe + 48, 8, (ulong)((length + 511) / 512 - 1), Site.SqeCopy);        // cdw12: blocks - 1
        Store(cpu, sqe + 56, 8, 0, Site.SqeCopy);                                        // cdw14..15
    }

    void NvmeStep(int cpu, ref Lane lane)
    {
        int t = lane.Slot;
        ulong sqe = NvmeSq + (ulong)(t * SqeSize);
        ulong cqe = NvmeCq + (ulong)(t * CqeSize);
        ulong data = NvmeData + (ulong)t * BufferSize;
        bool staleDma = lane.Bug is InjectedBug.NvmeNoWmb or InjectedBug.NvmeSmpWmb or InjectedBug.NvmeWmbAfterDoorbell;
        switch (lane.Step)
        {
            case 0:
                PrepareRequest(cpu, RequestKind.Nvme, t, lane.Length, Site.NvmePrepare);
                Lock(cpu, SqLock, Site.SqLock);
                Load(cpu, SqTail, 4, Site.SqTailLoad);
                BuildSqe(cpu, sqe, t, data, lane.Length);
                Store(cpu, SqTail, 4, ++_sqTail, Site.SqTailStore);
                if (lane.Bug == InjectedBug.NvmeSmpWmb) Barrier(cpu, SmpWmb, Site.SqBarrier);
                else if (lane.Bug is not (InjectedBug.NvmeNoWmb or InjectedBug.NvmeWmbAfterDoorbell)) Barrier(cpu, Wmb, Site.SqBarrier);
                MmioWrite(cpu, NvmeRegs + 0x1000, _sqTail, Site.SqDoorbell);
                if (lane.Bug == InjectedBug.NvmeWmbAfterDoorbell) Barrier(cpu, Wmb, Site.SqBarrier);
                if (staleDma)
                {
                    // Glued before the unlock: no other release can carry the SQE store to the device first.
                    Expect(lane.Bug, DmaRead(Nvme, sqe, SqeSize, Site.NvmeSqeRead));
                }
                Unlock(cpu, SqLock, Site.SqUnlock);
                lane.Step = lane.Polls > 0 ? 1 : 2;
                break;
            case 1:
                // Polls that still see the old phase (the previous completion, or nothing yet).
                Load(cpu, cqe + 12, 4, Site.CqPoll);
                if (--lane.Polls == 0) lane.Step = 2;
                break;
            case 2:
                if (!staleDma) DmaRead(Nvme, sqe, SqeSize, Site.NvmeSqeRead);
                DmaCopy(Nvme, data, lane.Length, Site.NvmeDataWrite);
                byte phase = _cqPhase[t] ^= 1;
                var entry = _scratch.AsSpan(0, CqeSize);
                BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)t);                        // result
                BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 0);
                BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], _sqTail & 0xFFFF);           // sq head
                BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], (uint)t | (uint)phase << 16); // cid | phase
                DmaWrite(Nvme, cqe, entry, Site.NvmeCqeWrite);
                lane.Step = 3;
                break;
            default:
                Load(cpu, cqe + 12, 4, Site.CqPoll);
                if (lane.Bug != InjectedBug.NvmeNoRmb) Barrier(cpu, DmaRmb, Site.CqRmb);
                Load(cpu, cqe, 4, Site.CqResultLoad);
                long read = Load(cpu, data, lane.Length, Site.NvmeDataLoad);
                if (lane.Bug == InjectedBug.NvmeNoRmb) Expect(lane.Bug, read);
                MmioWrite(cpu, NvmeRegs + 0x1004, ++_cqHead, Site.CqDoorbell);
                CompleteRequest(cpu, RequestKind.Nvme, t, Site.NvmeComplete);
                Finish(ref lane);
                break;
        }
    }
}
