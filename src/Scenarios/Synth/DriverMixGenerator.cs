using TraceTools.Scenarios.Internals;
using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// Streams the <c>driver-mix</c> workload (docs/synth.md): 4 cpus each running one driver protocol
/// instance at a time (NIC tx, NIC rx, NVMe, PASID update, dsp job), their segments interleaved at
/// random, the devices' parts included. A fraction of instances carry an injected bug; each bug's
/// findings are reported to the truth sink when their trigger event is emitted, so the truth is exact
/// by construction and sorted by trigger. Deterministic by seed; allocates nothing per event.
/// </summary>
[SkipLocalsInit]
public sealed partial class DriverMixGenerator
{
    readonly SynthOptions _options;
    readonly IExpectedFindingSink? _truth;
    readonly InjectedBug[][] _bugsByKind;
    readonly double _injectRate;
    readonly Lane[] _lanes = new Lane[Cpus];
    ulong _rng;
    bool _ran;

    /// <summary>Creates a generator; nothing is emitted until <see cref="Run"/>.</summary>
    /// <param name="options">Event count, seed, arch and inject rate.</param>
    /// <param name="truth">Receives every finding the injected bugs must produce, or null to drop them.</param>
    public DriverMixGenerator(SynthOptions options, IExpectedFindingSink? truth = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem) ScenarioThrow.Argument(problem, nameof(options));
        _options = options;
        _truth = truth;
        _limit = options.Events;
        _injectRate = options.InjectRate;
        _bugsByKind = InjectedBugs.ByKindFor(options.Arch);
        // SplitMix64 of the seed: a zero seed must not give a stuck xorshift state.
        _rng = Mix(options.Seed + 0x9E3779B97F4A7C15UL);
        for (int i = 0; i < _pattern.Length; i++) _pattern[i] = (byte)(0x40 + (i * 7 % 61));
        Array.Fill(_pasidLast, -1);
        Metadata = DriverMixLayout.CreateMetadata(options.Arch,
            FormattableString.Invariant($"{SynthProfile.DriverMix} seed {options.Seed} inject {options.InjectRate}"));
    }

    /// <summary>The trace header (arch, agents, regions, locks, sites).</summary>
    public TraceMetadata Metadata { get; }

    /// <summary>Counts of what was generated (valid after <see cref="Run"/>).</summary>
    public SynthStats Stats { get; } = new();

    /// <summary>Emits exactly <see cref="SynthOptions.Events"/> events into <paramref name="sink"/>, in trace order. Runs once.</summary>
    public void Run(IEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_ran) ScenarioThrow.Invalid("a generator runs once");
        _ran = true;
        _sink = sink;
        var lanes = _lanes;
        int cpu = 0;
        while (_emitted < _limit)
        {
            // One segment of a cpu's instance; a new random cpu with probability 1/4, so a cpu runs about four
            // segments in a row: still interleaved at every step, and the trace compresses (a cpu's code
            // runs in bursts on real machines too).
            ulong r = Next();
            if ((r & 3) == 0) cpu = (int)(r >> 62);
            ref Lane lane = ref lanes[cpu];
            if (!lane.Active) StartInstance(cpu, ref lane);
            Advance(cpu, ref lane);
        }
        Stats.Events = _emitted;
        _sink = null;
    }

    void Advance(int cpu, ref Lane lane)
    {
        switch (lane.Protocol)
        {
            case Protocol.NicTx: NicTxStep(cpu, ref lane); break;
            case Protocol.NicRx: NicRxStep(cpu, ref lane); break;
            case Protocol.Nvme: NvmeStep(cpu, ref lane); break;
            case Protocol.Pasid: PasidStep(cpu, ref lane); break;
            case Protocol.PasidLiveUpdate: PasidLiveUpdateStep(cpu, ref lane); break;
            case Protocol.PasidLiveFetch: PasidLiveFetchStep(cpu, ref lane); break;
            case Protocol.EthRx or Protocol.Kexec: EthStep(cpu, ref lane); break;
            case Protocol.Firmware: FirmwareStep(cpu, ref lane); break;
            default: DspStep(cpu, ref lane); break;
        }
    }

    /// <summary>xorshift64*: fast, deterministic, good enough to shuffle protocol segments.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    ulong Next()
    {
        ulong x = _rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _rng = x;
        return x * 0x2545F4914F6CDD1DUL;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int NextInt(int n) => (int)((Next() >> 32) * (ulong)n >> 32);

    double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return z == 0 ? 0x9E3779B97F4A7C15UL : z;
    }
}
