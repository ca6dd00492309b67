using System.Numerics;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>One cpu's current protocol instance: which protocol, how far, on which resource.</summary>
internal struct Lane
{
    public bool Active;
    public Protocol Protocol;
    public InjectedBug Bug;
    /// <summary>A bug picked while its precondition (a live PASID entry) did not hold yet: it runs next.</summary>
    public InjectedBug Pending;
    public int Step;
    /// <summary>Global index of the descriptor, tag, PASID entry or dsp slot.</summary>
    public int Slot;
    /// <summary>Bytes copied in (tx payload, rx payload, NVMe data, dsp input).</summary>
    public int Length;
    /// <summary>Second copy length (dsp output).</summary>
    public int Length2;
    /// <summary>Polls still to emit that see the old value (the device has not answered yet).</summary>
    public int Polls;
}

public sealed partial class DriverMixGenerator
{
    readonly int[] _txNext = new int[Cpus], _rxNext = new int[Cpus], _nvmeNext = new int[Cpus];
    readonly int[] _pasidNext = new int[Cpus], _dspNext = new int[Cpus], _ethNext = new int[Cpus];
    /// <summary>Per cpu, the PASID entry it last made present (-1: none yet): live-update bugs need one.</summary>
    readonly int[] _pasidLast = new int[Cpus];

    void StartInstance(int cpu, ref Lane lane)
    {
        var bug = lane.Pending;
        lane.Pending = InjectedBug.None;
        if (bug == InjectedBug.None && _injectRate > 0 && _bugsByKind.Length > 0 && NextDouble() < _injectRate)
        {
            // Kinds first, then a variant: every kind the arch can fail gets an equal share.
            var variants = _bugsByKind[NextInt(_bugsByKind.Length)];
            bug = variants[NextInt(variants.Length)];
        }
        Protocol protocol;
        if (bug == InjectedBug.None) protocol = PickCleanProtocol();
        else if (bug.NeedsLiveEntry() && _pasidLast[cpu] < 0)
        {
            // No live entry on this cpu yet: set one up cleanly now, break it next time.
            lane.Pending = bug;
            bug = InjectedBug.None;
            protocol = Protocol.Pasid;
        }
        else protocol = bug.Protocol();

        Stats.Instances++;
        if (bug != InjectedBug.None)
        {
            Stats.InjectedInstances++;
            Stats.InjectedByKind[(int)bug.Kind()]++;
        }
        lane.Active = true;
        lane.Protocol = protocol;
        lane.Bug = bug;
        lane.Step = 0;
        lane.Polls = 0;
        switch (protocol)
        {
            case Protocol.NicTx:
                lane.Slot = cpu * DescPerCpu + (_txNext[cpu]++ & (DescPerCpu - 1));
                lane.Length = NextCopyLength();
                break;
            case Protocol.NicRx:
                lane.Slot = cpu * DescPerCpu + (_rxNext[cpu]++ & (DescPerCpu - 1));
                lane.Length = NextCopyLength();
                lane.Polls = NextInt(3);
                break;
            case Protocol.Nvme:
                lane.Slot = cpu * TagsPerCpu + (_nvmeNext[cpu]++ & (TagsPerCpu - 1));
                lane.Length = NextCopyLength();
                lane.Polls = NextInt(3);
                break;
            case Protocol.Pasid:
                lane.Slot = bug.NeedsLiveEntry() ? _pasidLast[cpu] : cpu * PasidPerCpu + (_pasidNext[cpu]++ & (PasidPerCpu - 1));
                break;
            case Protocol.PasidLiveUpdate:
            case Protocol.PasidLiveFetch:
                lane.Slot = _pasidLast[cpu];
                break;
            case Protocol.EthRx or Protocol.Kexec:
                lane.Slot = cpu * EthSlotsPerCpu + (_ethNext[cpu]++ & (EthSlotsPerCpu - 1));
                lane.Length = NextCopyLength();
                break;
            case Protocol.Firmware:
                StartFirmware(cpu, ref lane);
                break;
            default:
                lane.Slot = cpu * DspSlotsPerCpu + (_dspNext[cpu]++ & (DspSlotsPerCpu - 1));
                lane.Length = NextCopyLength();
                lane.Length2 = NextCopyLength();
                break;
        }
    }

    /// <summary>The clean mix: mostly network and storage traffic, some IOMMU and dsp work, rare DMA-API rx and kexec.</summary>
    Protocol PickCleanProtocol()
    {
        int r = NextInt(1000);
        return r < 300 ? Protocol.NicTx : r < 550 ? Protocol.NicRx : r < 790 ? Protocol.Nvme : r < 890 ? Protocol.Pasid
            : r < 930 ? Protocol.Dsp : r < 980 ? (FirmwareInMix ? Protocol.Firmware : Protocol.Dsp) : r < 995 ? Protocol.EthRx : Protocol.Kexec;
    }

    /// <summary>
    /// 64..4096 bytes: a power of two 64 &lt;&lt; k with P(k) = 2^-(k+1) (k = 6 takes the rest), trimmed by a
    /// multiple of 8. Small copies dominate, as small packets and headers do; the mean is about 230 bytes.
    /// </summary>
    int NextCopyLength()
    {
        int n = 64 << BitOperations.TrailingZeroCount((uint)(Next() >> 32) | 64u);
        return n == 64 ? n : n - (NextInt(n / 16) * 8);
    }

    void Finish(ref Lane lane) => lane.Active = false;

    void Expect(InjectedBug bug, long trigger) => Expect(bug.Kind(), trigger);

    /// <summary>A finding of a bug's instance, of the bug's kind or (FirmwareRunKeyedOnCall) of another.</summary>
    void Expect(TraceTools.Replay.Findings.FindingKind kind, long trigger)
    {
        if (trigger < 0) return; // cut off by the event budget: the finding never happens
        Stats.FindingsByKind[(int)kind]++;
        _truth?.Add(new ExpectedFinding(kind, trigger));
    }
}
