using System.Runtime.CompilerServices;
using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>
/// Runs the flat step program into a sink. One instance per <see cref="CompiledScenario.Generate"/> call:
/// a fresh memory image, one reusable data buffer and loop-variable array, no allocation per event.
/// </summary>
[SkipLocalsInit]
sealed class Generator
{
    readonly Step[] _steps;
    readonly ulong[] _vars;
    readonly RegionMemory[] _memory;
    readonly RegionInfo[] _regions;
    readonly StepResolver _resolver;
    readonly IEventSink _sink;
    readonly byte[] _data = new byte[TraceEvent.MaxSize];
    /// <summary>The bytes a pattern store to a table overwrites (for the present bits it keeps).</summary>
    readonly byte[] _before = new byte[TraceEvent.MaxSize];
    ulong _patternStores;

    public Generator(Step[] steps, int slots, RegionInfo[] regions, IEventSink sink)
    {
        _steps = steps;
        _vars = new ulong[slots];
        _regions = regions;
        _memory = new RegionMemory[regions.Length];
        for (int i = 0; i < regions.Length; i++) _memory[i] = new RegionMemory(regions[i].Base, regions[i].Size);
        _resolver = new StepResolver(regions);
        _sink = sink;
    }

    public void Run() => Run(0, _steps.Length);

    void Run(int start, int end)
    {
        var steps = _steps;
        var vars = _vars;
        for (int pc = start; pc < end; pc++)
        {
            var s = steps[pc];
            if (s.Op == StepOp.Loop)
            {
                ulong n = s.Count!.Eval(vars);
                int slot = s.Slot, bodyStart = pc + 1, bodyEnd = s.BodyEnd;
                for (ulong i = 0; i < n; i++)
                {
                    vars[slot] = i;
                    Run(bodyStart, bodyEnd);
                }
                pc = bodyEnd - 1;
                continue;
            }
            // Barriers, locks, irqs, cache ops, mmio reads with constant operands: nothing to compute.
            if (s.IsFixedEvent) _sink.Append(in s.ResolvedEvent, default);
            else Emit(s);
        }
    }

    void Emit(Step s)
    {
        ulong address;
        int size, region;
        uint aux;
        if (s.IsResolved)
        {
            address = s.ResolvedAddress;
            size = s.ResolvedSize;
            aux = s.Aux;
            region = s.ResolvedRegion;
        }
        else if (s.Kind is EventKind.Fetch or EventKind.DevInvalidate)
        {
            _resolver.Resolve(s, _vars, out address, out size, out aux, out region);
        }
        else
        {
            // Only accesses and entry ops have operands; every other step is resolved at compile time.
            _resolver.ResolveAccess(s, _vars, out address, out size, out region);
            aux = 0;
        }
        var e = new TraceEvent(s.Kind, s.Agent, address, size, aux, s.Site);
        switch (s.Kind)
        {
            case EventKind.Store or EventKind.DmaWrite:
            {
                var data = FillWrite(s, address, size, region);
                _memory[region].Write(address, data);
                _sink.Append(in e, data);
                return;
            }
            case EventKind.MmioWrite:
                // Registers are not memory: the write carries its bytes but changes no image.
                _sink.Append(in e, FillWrite(s, address, size, region));
                return;
            case EventKind.Load or EventKind.DmaRead or EventKind.Fetch:
            {
                var data = _data.AsSpan(0, size);
                _memory[region].Read(address, data);
                _sink.Append(in e, data);
                return;
            }
            default:
                _sink.Append(in e, default);
                return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Span<byte> FillWrite(Step s, ulong address, int size, int region)
    {
        var data = _data.AsSpan(0, size);
        if (s.ResolvedData is { } constant) constant.CopyTo(data);
        else if (s.Value is { } value) StepResolver.WriteValue(value.Eval(_vars), data, value.Pos);
        else if (s.Bytes is { } bytes) StepResolver.WriteBytes(bytes, data, s.BytesPos);
        else FillPattern(address, data, region);
        return data;
    }

    /// <summary>
    /// A store without a value: see <see cref="StorePattern"/>. In a table, a present bit it covers keeps its
    /// current value (contract v1.1: give a VALUE to set or clear present).
    /// </summary>
    void FillPattern(ulong address, Span<byte> data, int region)
    {
        _memory[region].Read(address, data);
        var r = _regions[region];
        if (r.Kind != RegionKind.Table)
        {
            StorePattern.Fill(address, data, StorePattern.Seed(++_patternStores));
            return;
        }
        var before = _before.AsSpan(0, data.Length);
        data.CopyTo(before);
        StorePattern.Fill(address, data, StorePattern.Seed(++_patternStores));
        StorePattern.KeepPresentBits(address, data, before, r.Base, r.EntrySize, r.PresentBit);
    }
}
