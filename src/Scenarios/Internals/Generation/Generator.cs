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
    Step[] _steps;
    ulong[] _vars;
    readonly StepResolver _resolver;
    readonly EventEmitter _emitter;

    public Generator(Step[] steps, int slots, RegionInfo[] regions, IEventSink sink)
    {
        _steps = steps;
        _vars = new ulong[slots];
        _resolver = new StepResolver(regions);
        _emitter = new EventEmitter(regions, sink);
    }

    public void Run() => Run(0, _steps.Length);

    /// <summary>
    /// Runs the next piece of a program given in pieces (<see cref="StepStreamer"/>): the memory image, store
    /// pattern and open firmware calls carry on from the pieces before, as in one run of the whole program.
    /// </summary>
    public void RunPiece(Step[] steps, int count, int slots)
    {
        if (_vars.Length < slots) _vars = new ulong[slots];
        _steps = steps;
        Run(0, count);
    }

    void Run(int start, int end)
    {
        var steps = _steps;
        var vars = _vars;
        for (int pc = start; pc < end; pc++)
        {
            var s = steps[pc];
            if (s.Op == StepOp.Loop)
            {
                RunLoop(s, pc);
                pc = s.BodyEnd - 1;
                continue;
            }
            // Barriers, locks, irqs, cache ops, mmio reads with constant operands: nothing to compute.
            if (s.IsFixedEvent) _emitter.Append(in s.ResolvedEvent, default);
            else Emit(s);
        }
    }

    // Apart from Run so that Run's own loop has no exception region (its locals stay in registers).
    void RunLoop(Step loop, int pc)
    {
        ulong n = loop.Count!.Eval(_vars);
        int slot = loop.Slot, bodyStart = pc + 1, bodyEnd = loop.BodyEnd;
        ulong i = 0;
        try
        {
            for (; i < n; i++)
            {
                _vars[slot] = i;
                Run(bodyStart, bodyEnd);
            }
        }
        catch (ScenarioException e)
        {
            ScenarioThrow.InIteration(e, loop, i);
        }
    }

    /// <summary>Emits one event step (the line compiler's entry: its steps are all resolved).</summary>
    public static void EmitResolved(Step s, EventEmitter emitter)
    {
        if (s.IsFixedEvent) { emitter.Append(in s.ResolvedEvent, default); return; }
        var e = new TraceEvent(s.Kind, s.Agent, s.ResolvedAddress, s.ResolvedSize, s.Aux, s.Site);
        EmitEvent(s, e, s.ResolvedRegion, emitter, []);
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
            if (s.Op == StepOp.Check) return; // the access is valid; it has no event
            aux = s.Aux; // 0 for accesses; device | direction for dma_map and dma_unmap
        }
        EmitEvent(s, new TraceEvent(s.Kind, s.Agent, address, size, aux, s.Site), region, _emitter, _vars);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void EmitEvent(Step s, in TraceEvent e, int region, EventEmitter emitter, ulong[] vars)
    {
        switch (s.Kind)
        {
            case EventKind.Store or EventKind.DmaWrite or EventKind.StoreRelease or EventKind.Xchg:
                emitter.Write(in e, region, FillWrite(s, e.Address, e.Size, region, emitter, vars));
                return;
            case EventKind.MmioWrite:
                // Registers are not memory: the write carries its bytes but changes no image.
                emitter.Append(in e, FillWrite(s, e.Address, e.Size, region, emitter, vars));
                return;
            case EventKind.Load or EventKind.DmaRead or EventKind.Fetch or EventKind.LoadAcquire:
                emitter.Read(in e, region);
                return;
            case EventKind.FirmwareCall or EventKind.FirmwareReturn:
                emitter.Firmware(s, in e, vars);
                return;
            default:
                emitter.Append(in e, default);
                return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Span<byte> FillWrite(Step s, ulong address, int size, int region, EventEmitter emitter, ulong[] vars)
    {
        if (s.ResolvedData is null && s.Value is null && s.Bytes is null) return emitter.Pattern(address, size, region);
        var data = emitter.Scratch(size);
        if (s.ResolvedData is { } constant) constant.CopyTo(data);
        else if (s.Value is { } value) StepResolver.WriteValue(value.Eval(vars), data, value.Pos);
        else StepResolver.WriteBytes(s.Bytes!, data, s.BytesPos);
        return data;
    }
}
