using TraceTools.Scenarios.Internals.Expressions;
using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// AGENT: OP ARGS [@ "site"]: one event step (two for writel/readl and a noncoherent arm64 dma_sync, none for a
// coherent dma_sync), resolved at once when constant.
sealed partial class Parser
{
    /// <summary>arm64's dcache_clean_poc / dcache_inval_poc end with <c>dsb sy</c>: the kernel's dma_sync does too.</summary>
    static readonly BarrierCode DmaSyncCompletion = BarrierCode.Arm64(dsb: true, Array.IndexOf(BarrierCode.Arm64Options, "sy"));

    void BeginSteps(in Token at)
    {
        if (_stepsStarted) return;
        if (_arch is null)
            ScenarioThrow.At(Pos(at), "no 'arch' declaration: expected 'arch arm64 | x86_64 | riscv64 | sc' before the first step");
        _stepsStarted = true;
        CheckOverridesUsed();
        MeasureDeclarations(at);
        _regionArray = [.. _regions];
        _resolver = new StepResolver(_regionArray);
    }

    void CheckOverridesUsed()
    {
        if (_overrides is null) return;
        foreach (var name in _overrides.Keys)
            if (!_lets.ContainsKey(name))
                ScenarioThrow.Override(_file, $"--set {name}: the scenario has no 'let {name}'{NearMiss.Suffix(name, _lets.Keys)}");
    }

    void ParseStep()
    {
        var agentTok = Next();
        BeginSteps(agentTok);
        _pos++; // ':'
        int agent = _agentIds.GetValueOrDefault(agentTok.Text!, -1);
        if (agent < 0)
            ScenarioThrow.At(Pos(agentTok), $"unknown agent '{agentTok.Text}'{NearMiss.Suffix(agentTok.Text!, _agents.Select(a => a.Name))}");
        var opTok = ExpectName("an op (store, load, barrier, mmio_write, dma_read, ...)");
        string op = opTok.Text!;
        bool isCpuOp = OpNames.IsCpuOp(op);
        if (!isCpuOp && !OpNames.IsDeviceOp(op))
        {
            RefuseRawBarrierOp(opTok, _arch!.Value);
            ScenarioThrow.At(Pos(opTok), $"unknown op '{op}'{OpNames.UnknownOpHint(op)}");
        }
        var info = _agents[agent];
        if (isCpuOp != info.IsCpu)
            ScenarioThrow.At(Pos(opTok), $"'{op}' is a {(isCpuOp ? "cpu" : "device")} op but '{info.Name}' is a {(info.IsCpu ? "cpu" : "device")}");
        RefuseCallNotation(agentTok, opTok, OpForms.Of(op));

        var s = new Step { Op = StepOp.Event, Agent = (ushort)agent, Pos = Pos(opTok) };
        Step? second = null; // writel/readl/dma_sync: the barrier or the access that completes the pair
        switch (op)
        {
            case "store" or "dma_write":
                s.Kind = op == "store" ? EventKind.Store : EventKind.DmaWrite;
                s.Address = ParseAddress();
                s.Size = ParseSize();
                ParseWriteValue(s, required: false);
                break;
            case "store_release" or "xchg":
                // smp_store_release(p, v) and xchg(p, v) always name the value they store.
                s.Kind = op == "xchg" ? EventKind.Xchg : EventKind.StoreRelease;
                s.Address = ParseAddress();
                s.Size = ParseSize();
                ParseWriteValue(s, required: true);
                break;
            case "load" or "load_acquire" or "dma_read" or "mmio_read" or "cache_clean" or "cache_inval" or "cache_flush":
                s.Kind = op switch
                {
                    "load" => EventKind.Load,
                    "load_acquire" => EventKind.LoadAcquire,
                    "dma_read" => EventKind.DmaRead,
                    "mmio_read" => EventKind.MmioRead,
                    "cache_clean" => EventKind.CacheClean,
                    "cache_inval" => EventKind.CacheInval,
                    _ => EventKind.CacheFlush,
                };
                s.Address = ParseAddress();
                s.Size = ParseSize();
                break;
            case "mmio_write":
                s.Kind = EventKind.MmioWrite;
                s.Address = ParseAddress();
                s.Size = ParseSize();
                ParseWriteValue(s, required: true);
                break;
            case "writel" or "writeq" or "writel_relaxed" or "writeq_relaxed":
                s.Kind = EventKind.MmioWrite;
                s.Address = ParseAddress();
                s.Size = new ConstExpr(s.Pos, op.StartsWith("writel", StringComparison.Ordinal) ? 4u : 8u);
                ParseWriteValue(s, required: true, allowBytes: false);
                if (op.EndsWith("_relaxed", StringComparison.Ordinal)) break;
                second = s;
                s = BarrierStep(agent, s.Pos, BarrierCode.Linux("dma_wmb"));
                break;
            case "readl" or "readq" or "readl_relaxed" or "readq_relaxed":
                s.Kind = EventKind.MmioRead;
                s.Address = ParseAddress();
                s.Size = new ConstExpr(s.Pos, op.StartsWith("readl", StringComparison.Ordinal) ? 4u : 8u);
                if (!op.EndsWith("_relaxed", StringComparison.Ordinal))
                    second = BarrierStep(agent, s.Pos, BarrierCode.Linux("dma_rmb"));
                break;
            case "dma_sync_single_for_device" or "dma_sync_single_for_cpu":
                second = ParseDmaSync(s, op == "dma_sync_single_for_device");
                break;
            case "barrier":
            {
                // A bare 'barrier' is the kernel's barrier(): the compiler barrier, 'barrier barrier'.
                if (Peek.Kind is TokenKind.At or TokenKind.Newline or TokenKind.End)
                {
                    s = BarrierStep(agent, s.Pos, BarrierCode.Compiler);
                    break;
                }
                var k = ExpectName("a barrier kind (dma_wmb, mb, ...)");
                s = BarrierStep(agent, s.Pos, ParseBarrier(k));
                RefuseCallNotation(agentTok, k, "barrier " + k.Text);
                break;
            }
            case var kind when OpNames.IsBarrierSpelling(kind):
                s = BarrierStep(agent, s.Pos, BarrierCode.Linux(kind));
                break;
            case "dev_invalidate":
            {
                s.Kind = EventKind.DevInvalidate;
                s.Aux = (uint)DeviceId(ExpectName("the device whose cached entries are invalidated"), "device");
                if (!AcceptKeyword("all")) s.Address = ParseEntry("dev_invalidate DEV TABLE[EXPR] or dev_invalidate DEV all");
                break;
            }
            case "lock" or "unlock":
            {
                s.Kind = op == "lock" ? EventKind.Lock : EventKind.Unlock;
                var n = ExpectName("a lock name");
                if (!_lockIds.TryGetValue(n.Text!, out int id))
                {
                    if (NewLockProblem(n.Text!) is { } bad) ScenarioThrow.At(Pos(n), bad);
                    id = AddLock(n.Text!);
                }
                s.Aux = (uint)id;
                break;
            }
            case "take_irq":
                s.Kind = EventKind.TakeIrq;
                s.Aux = (uint)DeviceId(ExpectName("the device whose interrupt is taken"), "device");
                break;
            case "fetch":
            {
                s.Kind = EventKind.Fetch;
                s.Address = ParseEntry("fetch TABLE[EXPR] granule G");
                var table = _regions[s.Address.Region];
                if (table.Device != agent)
                    ScenarioThrow.At(s.Address.Pos, $"only the fetcher '{_agents[table.Device].Name}' may fetch table '{table.Name}', not '{info.Name}'");
                ExpectKeyword("granule");
                s.Granule = ParseExpression();
                break;
            }
            case "raise_irq":
                s.Kind = EventKind.RaiseIrq;
                break;
            case var kexec when IsKexecOp(kexec):
                ParseKexec(s, kexec);
                break;
            case "smc" or "hvc":
                ParseFirmwareCall(s, opTok);
                break;
            case "ret":
                ParseFirmwareReturn(s, opTok);
                break;
            default:
                ScenarioThrow.Unreachable($"op '{op}' is listed in OpNames but has no case here");
                break;
        }

        int site = -1;
        if (Peek.Kind == TokenKind.At)
        {
            _pos++;
            site = InternSite(Expect(TokenKind.String, "a site string after '@'"));
        }
        ExpectEndOfLine();
        s.Site = site;
        AddEventStep(s);
        if (second is not null)
        {
            second.Site = site;
            AddEventStep(second);
        }
    }

    /// <summary>
    /// <c>dma_sync_single_for_device|cpu ADDR size N device DEV</c>: for a noncoherent DEV a clean (for the device)
    /// or an invalidation (for the cpu) of those bytes, followed on arm64 by the <c>dsb sy</c> the kernel's cache
    /// routines end with; for a coherent DEV no event (the step is still checked). Returns the completion barrier.
    /// </summary>
    Step? ParseDmaSync(Step s, bool forDevice)
    {
        s.Kind = forDevice ? EventKind.CacheClean : EventKind.CacheInval;
        s.Address = ParseAddress();
        s.Size = ParseSize();
        ExpectKeyword("device");
        int device = DeviceId(ExpectName("the device the buffer is mapped for"), "device");
        if (_agents[device].Coherent)
        {
            s.Op = StepOp.Check;
            return null;
        }
        return _arch == Arch.Arm64 ? BarrierStep(s.Agent, s.Pos, DmaSyncCompletion) : null;
    }

    static Step BarrierStep(int agent, SourcePos pos, BarrierCode code) =>
        new() { Op = StepOp.Event, Kind = EventKind.Barrier, Agent = (ushort)agent, Pos = pos, Aux = code.Value };

    BarrierCode ParseBarrier(in Token k)
    {
        var arch = _arch!.Value;
        if (BarrierCode.TryParse(k.Text!, out var code) && code.Value.IsValidFor(arch)) return code.Value;
        if (code is null) RefuseSpacedBarrier(k, arch);
        string hint = NearMiss.Suffix(k.Text!, BarrierCode.AllFor(arch).Select(b => b.ToString()));
        if (code is not null)
            ScenarioThrow.At(Pos(k), $"barrier '{k.Text}' is not valid for arch {arch.Name()}{(arch == Arch.Sc ? " (sc accepts only 'barrier' and the Linux kinds)" : "")}{hint}");
        ScenarioThrow.At(Pos(k), $"unknown barrier '{k.Text}' for arch {arch.Name()}{hint}");
        return default;
    }

    int InternSite(in Token token)
    {
        string site = token.Text!;
        if (_siteIds.TryGetValue(site, out int id)) return id;
        if (_lineMode)
        {
            site = TraceLimits.SanitizedText(site).ToString();
            if (_siteIds.TryGetValue(site, out id)) return id;
        }
        if (NewSiteProblem(site) is { } bad) ScenarioThrow.At(Pos(token), bad);
        return AddSite(site);
    }

    /// <summary>Why a site not seen before cannot go into the trace header, or null.</summary>
    string? NewSiteProblem(string site) =>
        TraceLimits.TextProblem("the site", site)
        ?? (_sites.Count >= TraceLimits.MaxSites ? $"too many sites: a trace holds at most {TraceLimits.MaxSites} distinct site strings" : null)
        ?? Header.SiteProblem(site);

    int AddSite(string site)
    {
        Header.AddSite(site);
        int id = _sites.Count;
        _siteIds[site] = id;
        _sites.Add(site);
        return id;
    }

    /// <summary>Why a lock name not seen before cannot go into the trace header, or null.</summary>
    string? NewLockProblem(string name) =>
        _locks.Count >= TraceLimits.MaxLocks ? $"too many locks: a trace holds at most {TraceLimits.MaxLocks} lock names"
        : TraceLimits.LengthProblem("the lock name", name) ?? Header.LockProblem(name);

    int AddLock(string name)
    {
        Header.AddLock(name);
        int id = _locks.Count;
        _lockIds[name] = id;
        _locks.Add(name);
        return id;
    }

    /// <summary>Appends an event step, resolving it now when nothing in it reads a loop variable.</summary>
    void AddEventStep(Step s)
    {
        if (s.Size is ConstExpr { Value: > 0 and <= TraceEvent.MaxSize } cs) s.ConstSize = (int)cs.Value;
        if (s.Address is not null) s.BaseRegionAllowed = _resolver!.KindAllowed(s, s.Address.Region);
        bool constant = (s.Address is null || s.Address.IsConstant) && (s.Size is null || s.Size.IsConstant)
            && (s.Granule is null || s.Granule.IsConstant);
        if (constant)
        {
            _resolver!.Resolve(s, [], out s.ResolvedAddress, out s.ResolvedSize, out s.Aux, out s.ResolvedRegion);
            s.IsResolved = true;
            if (s.Op == StepOp.Check) return; // checked now, and it has no event
            s.ResolvedEvent = new TraceEvent(s.Kind, s.Agent, s.ResolvedAddress, s.ResolvedSize, s.Aux, s.Site);
            s.IsFixedEvent = s.Kind is not (EventKind.Store or EventKind.DmaWrite or EventKind.MmioWrite
                or EventKind.Load or EventKind.DmaRead or EventKind.Fetch
                or EventKind.StoreRelease or EventKind.LoadAcquire or EventKind.Xchg or EventKind.FirmwareCall or EventKind.FirmwareReturn);
            if (s.Kind is EventKind.Store or EventKind.DmaWrite or EventKind.MmioWrite or EventKind.StoreRelease or EventKind.Xchg
                && (s.Bytes is not null || s.Value is { IsConstant: true }))
            {
                var data = new byte[s.ResolvedSize];
                if (s.Bytes is not null) StepResolver.WriteBytes(s.Bytes, data, s.BytesPos);
                else StepResolver.WriteValue(s.Value!.Eval([]), data, s.Value.Pos);
                s.ResolvedData = data;
            }
            s.ReleaseResolvedOperands();
        }
        else if (s.Value is ConstExpr c && s.Size is ConstExpr n && n.Value is > 0 and <= TraceEvent.MaxSize)
        {
            StepResolver.WriteValue(c.Value, stackalloc byte[(int)n.Value], c.Pos); // report a too-wide value now
        }
        if (s.Op == StepOp.Event && s.Kind is EventKind.DmaRead or EventKind.DmaWrite) _dmaDevices.Add(s.Agent);
        _steps.Add(s);
    }
}
