using TraceTools.Scenarios.Internals.Program;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// Layouts (declarations only) and line mode (one step per line over a layout's declarations), for importers.
sealed partial class Parser
{
    bool _layoutOnly;

    // Line mode is the steps importer's: its sites are kept as every importer keeps them (cut and '?'), where a
    // scenario for gen refuses them; its errors name the layout the declarations come from.
    readonly bool _lineMode;
    readonly string _layoutFile = "";

    /// <summary>A parser in line mode: the declarations are the layout's, and <see cref="ParseLine"/> takes one line at a time.</summary>
    public Parser(ScenarioLayout layout)
    {
        _tokens = [];
        _lineMode = true;
        _layoutFile = layout.FileName;
        _file = layout.FileName;
        _name = layout.Metadata.Name;
        _arch = layout.Metadata.Arch;
        _cacheLine = layout.Metadata.CacheLineSize;
        _agents.AddRange(layout.Metadata.Agents);
        _regions.AddRange(layout.Metadata.Regions);
        for (int i = 0; i < _agents.Count; i++) _agentIds[_agents[i].Name] = i;
        for (int i = 0; i < _regions.Count; i++) _regionIds[_regions[i].Name] = i;
        foreach (var (name, value) in layout.Lets) _lets[name] = value;
        foreach (var (name, line) in layout.Declared) _declared[name] = line;
        _stepsStarted = true;
        _regionArray = [.. _regions];
        _resolver = new StepResolver(_regionArray);
        _header = HeaderBudget.OfLayout(layout.Metadata);
    }

    /// <summary>Parses a layout: declarations only, and an arch.</summary>
    public ScenarioLayout ParseLayout()
    {
        _layoutOnly = true;
        ParseBlock(null);
        if (_arch is null) ScenarioThrow.At(Pos(Peek), "no 'arch' declaration: a layout declares 'arch arm64 | x86_64 | riscv64 | sc'");
        CheckOverridesUsed();
        MeasureDeclarations(Peek);
        var metadata = new TraceMetadata { Name = _name, Arch = _arch.Value, Agents = _agents.ToArray(), Regions = RegionsWithUsedBits(), CacheLineSize = _cacheLine };
        return new ScenarioLayout(metadata, _file, new(_lets), new(_declared));
    }

    void RefuseInLayout(in Token t)
    {
        bool step = PeekAt(1).Kind == TokenKind.Colon;
        if (step || t.Text is "repeat" or "expect")
            ScenarioThrow.At(Pos(t), $"a layout holds declarations only (scenario, arch, cacheline, let, cpu, device, ram, sync, mmio, table, field, used), not {(step ? "steps" : $"'{t.Text}'")}: the steps come from the imported trace");
    }

    /// <summary>The steps of the last <see cref="ParseLine"/>: none for a blank or comment line, two for writel/readl.</summary>
    public List<Step> LineSteps => _steps;

    /// <summary>Site strings interned so far (first appearance).</summary>
    public List<string> Sites => _sites;

    /// <summary>Lock names interned so far (first use).</summary>
    public List<string> Locks => _locks;

    /// <summary>
    /// Site id of <paramref name="site"/>, interning it, without a string when it is known; false when a new
    /// site would break a trace limit (the full parser then reports it at its line:column).
    /// </summary>
    public bool TrySite(ReadOnlySpan<char> site, out int id)
    {
        var known = _siteIds.GetAlternateLookup<ReadOnlySpan<char>>();
        if (known.TryGetValue(site, out id)) return true;
        var storable = TraceLimits.SanitizedText(site);
        if (storable.Length != site.Length || !storable.SequenceEqual(site))
        {
            if (known.TryGetValue(storable, out id)) return true;
            site = storable;
        }
        string text = site.ToString();
        if (NewSiteProblem(text) is not null) return false;
        id = AddSite(text);
        return true;
    }

    /// <summary>Whether <see cref="TryLock"/> would take <paramref name="name"/> (known, or new within the trace limits), without interning it.</summary>
    public bool LockAllowed(ReadOnlySpan<char> name) =>
        _lockIds.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(name) || NewLockProblem(name.ToString()) is null;

    /// <summary>Lock id of <paramref name="name"/>, interning it; false when a new name would break a trace limit.</summary>
    public bool TryLock(ReadOnlySpan<char> name, out int id)
    {
        if (_lockIds.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out id)) return true;
        string text = name.ToString();
        if (NewLockProblem(text) is not null) return false;
        id = AddLock(text);
        return true;
    }

    /// <summary>The declared agents.</summary>
    public List<AgentInfo> Agents => _agents;

    /// <summary>The arch.</summary>
    public Arch Arch => _arch!.Value;

    /// <summary>Parses one tokenized line into <see cref="LineSteps"/>; every step is resolved (a line has no loop variables).</summary>
    public void ParseLine(List<Token> tokens, string file)
    {
        _file = file;
        _tokens = tokens;
        _pos = 0;
        _steps.Clear();
        var t = Peek;
        if (t.Kind is TokenKind.Newline or TokenKind.End) return;
        if (t.Kind == TokenKind.Name && PeekAt(1).Kind == TokenKind.Colon)
        {
            ParseStep();
            return;
        }
        if (t.Kind == TokenKind.Name && t.Text is "repeat" or "expect")
            ScenarioThrow.At(Pos(t), $"'{t.Text}' is not a step: this input takes one step per line ('AGENT: op ...'); 'repeat' and 'expect' belong in a scenario for 'gen'");
        if (t.Kind == TokenKind.Name && Array.IndexOf(DeclarationKeywords, t.Text) >= 0)
            ScenarioThrow.At(Pos(t), $"declaration '{t.Text}' in a steps input: the declarations come from the layout ({_layoutFile})");
        ParseStatement(false);
    }

    /// <summary>The region array the steps resolve against.</summary>
    public RegionInfo[] RegionArray => _regionArray;
}
