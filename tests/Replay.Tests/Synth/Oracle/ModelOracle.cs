using TraceTools.Scenarios.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Synth.Oracle;

/// <summary>
/// A slow, literal reading of model.md (hb, ob, the nine detectors) used to cross-check the generator's
/// truth before the real engine exists. It tracks memory in 8-byte units (the generator's accesses are
/// aligned that way; checked) and keeps a clock per agent, a store-commit clock (OB), a clean-commit
/// clock (OBC) and, for cpus, the LOADS clock of the reader side.
/// </summary>
internal sealed partial class ModelOracle
{
    sealed class Message(int[] hb, int[] ob, int[] obc)
    {
        public readonly int[] Hb = hb, Ob = ob, Obc = obc;
    }

    readonly record struct Pending(int[] Ob, Cls Class, bool FromDevice);
    readonly record struct BarrierAt(int Time, BarrierMeaning Meaning);

    readonly TraceMetadata _md;
    readonly Arch _arch;
    readonly int _n;
    readonly int[] _time;
    readonly int[][] _hb, _ob, _obc, _loads;
    readonly List<BarrierAt>[] _barriers;
    readonly List<Pending>[] _pending;
    readonly Message?[] _irq, _lock;
    readonly List<ExpectedFinding> _findings = [];

    public ModelOracle(TraceMetadata md)
    {
        _md = md;
        _arch = md.Arch;
        _n = md.Agents.Count;
        _time = new int[_n];
        _hb = New(); _ob = New(); _obc = New(); _loads = New();
        _barriers = [.. Enumerable.Range(0, _n).Select(_ => new List<BarrierAt>())];
        _pending = [.. Enumerable.Range(0, _n).Select(_ => new List<Pending>())];
        _irq = new Message?[_n];
        _lock = new Message?[md.Locks.Count];
        InitMemory();
    }

    int[][] New() => [.. Enumerable.Range(0, _n).Select(_ => new int[_n])];

    bool IsCpu(int a) => _md.Agents[a].IsCpu;

    static void Join(int[] into, int[] from)
    {
        for (int i = 0; i < into.Length; i++) if (from[i] > into[i]) into[i] = from[i];
    }

    void Report(SynthFindingKind kind, long index) => _findings.Add(new(kind, index));

    /// <summary>Latest local time whose stores (class w) are ordered before a release of class <paramref name="rel"/>.</summary>
    int CommittedStores(int cpu, Cls rel, bool toDevice)
    {
        if (OrderingRules.Preserved(_arch, Cls.W, rel)) return _time[cpu];
        var list = _barriers[cpu];
        for (int i = list.Count - 1; i >= 0; i--)
        {
            var m = list[i].Meaning;
            if ((m.Pred & Cls.W) != 0 && (m.Succ & rel) != 0 && m.Reaches(toDevice)) return list[i].Time;
        }
        return 0;
    }

    /// <summary>Latest local time whose cache maintenance is completed before a release of class <paramref name="rel"/>.</summary>
    int CommittedCleans(int cpu, Cls rel, bool toDevice)
    {
        if (_arch == Arch.Sc) return _time[cpu];
        var list = _barriers[cpu];
        for (int i = list.Count - 1; i >= 0; i--)
        {
            var m = list[i].Meaning;
            if (m.Completion && (m.Pred & Cls.C) != 0 && ((m.Succ & rel) != 0 || rel == Cls.None) && m.Reaches(toDevice)) return list[i].Time;
        }
        return 0;
    }

    /// <summary>What a release carries. <paramref name="rel"/> None = unlock (orders everything but cache maintenance).</summary>
    Message Release(int agent, Cls rel, bool toDevice)
    {
        var hb = (int[])_hb[agent].Clone();
        var ob = (int[])_ob[agent].Clone();
        var obc = (int[])_obc[agent].Clone();
        int now = _time[agent];
        if (!IsCpu(agent)) { ob[agent] = now; obc[agent] = now; }
        else
        {
            ob[agent] = Math.Max(ob[agent], rel == Cls.None ? now : CommittedStores(agent, rel, toDevice));
            obc[agent] = Math.Max(obc[agent], CommittedCleans(agent, rel, toDevice));
        }
        return new(hb, ob, obc);
    }

    /// <summary>An acquire: HB and OB at once; LOADS at once, or at the next adequate read barrier for a plain acquire.</summary>
    void Acquire(int agent, Message m, Cls plain, bool fromDevice)
    {
        Join(_hb[agent], m.Hb);
        Join(_ob[agent], m.Ob);
        Join(_obc[agent], m.Obc);
        if (!IsCpu(agent)) return;
        if (plain == Cls.None || OrderingRules.Preserved(_arch, plain, Cls.R)) Join(_loads[agent], m.Ob);
        else _pending[agent].Add(new(m.Ob, plain, fromDevice));
    }

    void OnBarrier(int cpu, BarrierMeaning m)
    {
        _barriers[cpu].Add(new(_time[cpu], m));
        var pending = _pending[cpu];
        for (int i = pending.Count - 1; i >= 0; i--)
        {
            var p = pending[i];
            if ((m.Pred & p.Class) != 0 && (m.Succ & Cls.R) != 0 && m.Reaches(p.FromDevice))
            {
                Join(_loads[cpu], p.Ob);
                pending.RemoveAt(i);
            }
        }
    }

    /// <summary>Writer rule between two events of one cpu (times <paramref name="a"/> &lt; <paramref name="b"/>), outer domain.</summary>
    bool Ordered(int cpu, int a, Cls ca, int b, Cls cb)
    {
        if (OrderingRules.Preserved(_arch, ca, cb)) return true;
        foreach (var bar in _barriers[cpu])
        {
            if (bar.Time <= a || bar.Time >= b) continue;
            var m = bar.Meaning;
            if ((m.Pred & ca) != 0 && (m.Succ & cb) != 0 && m.Reaches(true) && (ca != Cls.C || m.Completion)) return true;
        }
        return false;
    }

    public List<ExpectedFinding> Run(IEnumerable<RecordedEvent> events)
    {
        long index = 0;
        foreach (var (e, data) in events) Step(index++, e, data);
        return [.. _findings.OrderBy(f => f.Trigger)];
    }

    void Step(long index, TraceEvent e, byte[] data)
    {
        int a = e.Agent;
        _time[a]++;
        _hb[a][a] = _time[a];
        _loads[a][a] = _time[a];
        switch (e.Kind)
        {
            case EventKind.Barrier:
                OnBarrier(a, OrderingRules.Meaning(_arch, e.Aux));
                break;
            case EventKind.Lock:
                if (_lock[e.Aux] is { } held) Acquire(a, held, Cls.None, false);
                break;
            case EventKind.Unlock:
                _lock[e.Aux] = Release(a, Cls.None, false);
                break;
            case EventKind.RaiseIrq:
                var raised = Release(a, Cls.None, false);
                if (_irq[a] is { } earlier) { Join(raised.Hb, earlier.Hb); Join(raised.Ob, earlier.Ob); Join(raised.Obc, earlier.Obc); }
                _irq[a] = raised;
                break;
            case EventKind.TakeIrq:
                if (_irq[e.Aux] is { } irq) { Acquire(a, irq, Cls.None, true); _irq[e.Aux] = null; }
                break;
            case EventKind.MmioWrite:
                Acquire(_md.RegionAt(e.Address)!.Device, Release(a, Cls.O, true), Cls.None, false);
                break;
            case EventKind.MmioRead:
                int dev = _md.RegionAt(e.Address)!.Device;
                Acquire(a, Release(dev, Cls.None, false), Cls.I, true);
                break;
            case EventKind.DevInvalidate:
                int target = (int)e.Aux;
                Acquire(target, Release(a, Cls.O, true), Cls.None, false);
                Acquire(a, Release(target, Cls.None, false), Cls.None, true);
                OnInvalidate(index, a, target, e.Address, e.Size);
                break;
            default:
                Access(index, e, data);
                break;
        }
    }
}
