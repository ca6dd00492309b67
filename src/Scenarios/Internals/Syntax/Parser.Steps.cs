using TraceTools.Scenarios.Internals.Expressions;
using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// AGENT: OP ARGS [@ "site"]: one event step (two for writel/readl), resolved at once when constant.
sealed partial class Parser
{
    static readonly string[] CpuOps =
    [
        "store", "load", "barrier", "mmio_write", "writel", "writeq", "mmio_read", "readl", "readq",
        "cache_clean", "cache_inval", "cache_flush", "dev_invalidate", "lock", "unlock", "take_irq",
    ];
    static readonly string[] DeviceOps = ["dma_read", "dma_write", "fetch", "raise_irq"];

    void BeginSteps(in Token at)
    {
        if (_stepsStarted) return;
        if (_arch is null)
            ScenarioThrow.At(Pos(at), "no 'arch' declaration: expected 'arch arm64 | x86_64 | riscv64 | sc' before the first step");
        _stepsStarted = true;
        CheckOverridesUsed();
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
        int agent = _agents.FindIndex(a => a.Name == agentTok.Text);
        if (agent < 0)
            ScenarioThrow.At(Pos(agentTok), $"unknown agent '{agentTok.Text}'{NearMiss.Suffix(agentTok.Text!, _agents.Select(a => a.Name))}");
        var opTok = ExpectName("an op (store, load, barrier, mmio_write, dma_read, ...)");
        string op = opTok.Text!;
        bool isCpuOp = Array.IndexOf(CpuOps, op) >= 0;
        if (!isCpuOp && Array.IndexOf(DeviceOps, op) < 0)
            ScenarioThrow.At(Pos(opTok), $"unknown op '{op}'{NearMiss.Suffix(op, CpuOps.Concat(DeviceOps))}");
        var info = _agents[agent];
        if (isCpuOp != info.IsCpu)
            ScenarioThrow.At(Pos(opTok), $"'{op}' is a {(isCpuOp ? "cpu" : "device")} op but '{info.Name}' is a {(info.IsCpu ? "cpu" : "device")}");

        var s = new Step { Op = StepOp.Event, Agent = (ushort)agent, Pos = Pos(opTok) };
        Step? second = null; // writel/readl: the barrier or the access that completes the pair
        switch (op)
        {
            case "store" or "dma_write":
                s.Kind = op == "store" ? EventKind.Store : EventKind.DmaWrite;
                s.Address = ParseAddress();
                s.Size = ParseSize();
                ParseWriteValue(s, required: false);
                break;
            case "load" or "dma_read" or "mmio_read" or "cache_clean" or "cache_inval" or "cache_flush":
                s.Kind = op switch
                {
                    "load" => EventKind.Load,
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
            case "writel" or "writeq":
                s.Kind = EventKind.MmioWrite;
                s.Address = ParseAddress();
                s.Size = new ConstExpr(s.Pos, op == "writel" ? 4u : 8u);
                ParseWriteValue(s, required: true, allowBytes: false);
                second = s;
                s = BarrierStep(agent, s.Pos, BarrierCode.Linux("dma_wmb"));
                break;
            case "readl" or "readq":
                s.Kind = EventKind.MmioRead;
                s.Address = ParseAddress();
                s.Size = new ConstExpr(s.Pos, op == "readl" ? 4u : 8u);
                second = BarrierStep(agent, s.Pos, BarrierCode.Linux("dma_rmb"));
                break;
            case "barrier":
            {
                var k = ExpectName("a barrier kind (dma_wmb, mb, ...)");
                s = BarrierStep(agent, s.Pos, ParseBarrier(k));
                break;
            }
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
            default: // raise_irq
                s.Kind = EventKind.RaiseIrq;
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

    static Step BarrierStep(int agent, SourcePos pos, BarrierCode code) =>
        new() { Op = StepOp.Event, Kind = EventKind.Barrier, Agent = (ushort)agent, Pos = pos, Aux = code.Value };

    BarrierCode ParseBarrier(in Token k)
    {
        var arch = _arch!.Value;
        if (BarrierCode.TryParse(k.Text!, out var code) && code.Value.IsValidFor(arch)) return code.Value;
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
        if (NewSiteProblem(site) is { } bad) ScenarioThrow.At(Pos(token), bad);
        return AddSite(site);
    }

    /// <summary>Why a site not seen before cannot go into the trace header, or null.</summary>
    string? NewSiteProblem(string site) =>
        TraceLimits.TextProblem("the site", site)
        ?? (_sites.Count >= TraceLimits.MaxSites ? $"too many sites: a trace holds at most {TraceLimits.MaxSites} distinct site strings" : null);

    int AddSite(string site)
    {
        int id = _sites.Count;
        _siteIds[site] = id;
        _sites.Add(site);
        return id;
    }

    /// <summary>Why a lock name not seen before cannot go into the trace header, or null.</summary>
    string? NewLockProblem(string name) =>
        _locks.Count >= TraceLimits.MaxLocks ? $"too many locks: a trace holds at most {TraceLimits.MaxLocks} lock names"
        : TraceLimits.LengthProblem("the lock name", name);

    int AddLock(string name)
    {
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
            s.ResolvedEvent = new TraceEvent(s.Kind, s.Agent, s.ResolvedAddress, s.ResolvedSize, s.Aux, s.Site);
            s.IsFixedEvent = s.Kind is not (EventKind.Store or EventKind.DmaWrite or EventKind.MmioWrite
                or EventKind.Load or EventKind.DmaRead or EventKind.Fetch);
            if (s.Kind is EventKind.Store or EventKind.DmaWrite or EventKind.MmioWrite && (s.Bytes is not null || s.Value is { IsConstant: true }))
            {
                var data = new byte[s.ResolvedSize];
                if (s.Bytes is not null) StepResolver.WriteBytes(s.Bytes, data, s.BytesPos);
                else StepResolver.WriteValue(s.Value!.Eval([]), data, s.Value.Pos);
                s.ResolvedData = data;
            }
        }
        else if (s.Value is ConstExpr c && s.Size is ConstExpr n && n.Value is > 0 and <= TraceEvent.MaxSize)
        {
            StepResolver.WriteValue(c.Value, stackalloc byte[(int)n.Value], c.Pos); // report a too-wide value now
        }
        _steps.Add(s);
    }
}
