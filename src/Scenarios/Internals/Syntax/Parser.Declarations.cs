using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// scenario, arch, let, cpu, device, ram/sync/mmio, table.
sealed partial class Parser
{
    void ParseDeclaration(string word)
    {
        var kw = Next();
        switch (word)
        {
            case "scenario":
                if (_sawScenario) ScenarioThrow.At(Pos(kw), "second 'scenario' line: a scenario has one name");
                _sawScenario = true;
                _name = ReadText("the scenario name as a string", "scenario name");
                break;
            case "arch":
            {
                if (_arch is not null) ScenarioThrow.At(Pos(kw), "second 'arch' line: a scenario has one arch");
                var t = ExpectName("an arch (arm64, x86_64, riscv64 or sc)");
                if (!ArchNames.TryParse(t.Text, out var arch))
                {
                    string written = ReadHyphenated(t);
                    ScenarioThrow.At(Pos(t), $"unknown arch '{written}': expected arm64, x86_64, riscv64 or sc{NearMiss.ArchSuffix(written)}");
                }
                _arch = arch;
                break;
            }
            case "let":
            {
                var t = ExpectName("the let's name");
                Declare(t);
                Expect(TokenKind.Equals, "'='");
                ulong v = ParseConstant();
                if (_overrides is not null && _overrides.TryGetValue(t.Text!, out ulong o)) v = o;
                _lets[t.Text!] = v;
                break;
            }
            case "cpu":
                do
                {
                    var t = ExpectName("a cpu name");
                    AddAgent(t, AgentKind.Cpu, true);
                } while (Peek.Kind == TokenKind.Comma && Next().Kind == TokenKind.Comma);
                break;
            case "device":
            {
                var t = ExpectName("a device name");
                bool coherent = true;
                if (AcceptKeyword("noncoherent")) coherent = false;
                else if (!AcceptKeyword("coherent") && Peek.Kind == TokenKind.Name && Peek.Text != "iommu")
                    ScenarioThrow.At(Pos(Peek), $"expected 'coherent', 'noncoherent' or 'iommu' but found {Peek.Show()}");
                AddAgent(t, AgentKind.Device, coherent);
                if (Peek.Kind == TokenKind.Name && Peek.Text == "iommu") ParseIommuAtStart(_agents.Count - 1);
                else if (Peek.Kind == TokenKind.Name)
                    ScenarioThrow.At(Pos(Peek), $"expected 'iommu' or the end of the line but found {Peek.Show()}");
                break;
            }
            case "cacheline":
                ParseCacheLine(kw);
                break;
            case "ram" or "sync" or "mmio":
                ParseRegion(word == "ram" ? RegionKind.Ram : word == "sync" ? RegionKind.Sync : RegionKind.Mmio);
                break;
            case "field":
                ParseField();
                break;
            case "used":
                ParseUsed();
                break;
            default:
                ParseTable();
                break;
        }
        ExpectEndOfLine();
    }

    void Declare(in Token name)
    {
        if (_declared.TryGetValue(name.Text!, out int line))
            ScenarioThrow.At(Pos(name), $"'{name.Text}' is already declared on line {line}");
        if (TraceLimits.LengthProblem("the name", name.Text!) is { } tooLong) ScenarioThrow.At(Pos(name), tooLong);
        _declared[name.Text!] = name.Line;
    }

    void AddAgent(in Token name, AgentKind kind, bool coherent)
    {
        Declare(name);
        if (_agents.Count >= TraceLimits.MaxAgents) ScenarioThrow.At(Pos(name), $"too many agents: a trace holds at most {TraceLimits.MaxAgents} cpus and devices");
        var agent = new AgentInfo(name.Text!, kind, coherent);
        if (Header.AgentProblem(agent) is { } big) ScenarioThrow.At(Pos(name), big);
        Header.AddAgent(agent);
        _agentIds[name.Text!] = _agents.Count;
        _agents.Add(agent);
    }

    int DeviceId(Token name, string role)
    {
        int id = _agentIds.GetValueOrDefault(name.Text!, -1);
        if (id < 0)
            ScenarioThrow.At(Pos(name), $"{role} '{name.Text}' is not declared (expected a 'device' declared above){NearMiss.Suffix(name.Text!, _agents.Where(a => !a.IsCpu).Select(a => a.Name))}");
        if (_agents[id].IsCpu)
            ScenarioThrow.At(Pos(name), $"{role} '{name.Text}' is a cpu: expected a device");
        return id;
    }

    void ParseRegion(RegionKind kind)
    {
        var name = ExpectName("the region's name");
        Declare(name);
        var baseTok = Peek;
        ulong @base = ParseConstant();
        ExpectKeyword("size");
        var sizeTok = Peek;
        ulong size = ParseConstant();
        int device = -1;
        if (kind == RegionKind.Mmio)
        {
            ExpectKeyword("device");
            device = DeviceId(ExpectName("the device that owns the registers"), "device");
        }
        AddRegion(new RegionInfo { Name = name.Text!, Kind = kind, Base = @base, Size = size, Device = device }, baseTok, sizeTok);
    }

    void ParseTable()
    {
        var name = ExpectName("the table's name");
        Declare(name);
        var baseTok = Peek;
        ulong @base = ParseConstant();
        ExpectKeyword("entries");
        var entriesTok = Peek;
        ulong entries = ParseConstant();
        ExpectKeyword("entry_size");
        var entrySizeTok = Peek;
        ulong entrySize = ParseConstant();
        ExpectKeyword("granule");
        var granuleTok = Peek;
        ulong granule = ParseConstant();
        ExpectKeyword("present");
        ExpectKeyword("bit");
        var bitTok = Peek;
        ulong bit = ParseConstant();
        ExpectKeyword("fetcher");
        int fetcher = DeviceId(ExpectName("the device that fetches the entries"), "fetcher");

        if (entries == 0) ScenarioThrow.At(Pos(entriesTok), "a table needs at least 1 entry");
        if (entrySize is 0 or > uint.MaxValue) ScenarioThrow.At(Pos(entrySizeTok), $"entry_size {entrySize} is out of range: expected 1..{uint.MaxValue}");
        if (granule is 0 or > TraceEvent.MaxSize) ScenarioThrow.At(Pos(granuleTok), $"granule {granule} is out of range: expected 1..{TraceEvent.MaxSize}");
        if (entrySize % granule != 0) ScenarioThrow.At(Pos(entrySizeTok), $"entry_size {entrySize} is not a multiple of granule {granule}");
        if (bit >= 8 * entrySize) ScenarioThrow.At(Pos(bitTok), $"present bit {bit} is outside the entry: expected 0..{8 * entrySize - 1} for entry_size {entrySize}");
        ulong hi = Math.BigMul(entries, entrySize, out ulong size);
        if (hi != 0) ScenarioThrow.At(Pos(entriesTok), $"table size {entries} x {entrySize} does not fit in 64 bits");
        AddRegion(new RegionInfo
        {
            Name = name.Text!, Kind = RegionKind.Table, Base = @base, Size = size, Device = fetcher,
            Entries = entries, EntrySize = (uint)entrySize, Granule = (uint)granule, PresentBit = (uint)bit,
        }, baseTok, entriesTok);
    }

    void AddRegion(RegionInfo r, in Token baseTok, in Token sizeTok)
    {
        if (_regions.Count >= TraceLimits.MaxRegions) ScenarioThrow.At(Pos(baseTok), $"too many regions: a trace holds at most {TraceLimits.MaxRegions} regions and tables");
        if (r.Size == 0) ScenarioThrow.At(Pos(sizeTok), $"region '{r.Name}' has size 0: expected at least 1 byte");
        if (r.Size > ulong.MaxValue - r.Base)
            ScenarioThrow.At(Pos(sizeTok), $"region '{r.Name}' (0x{r.Base:x} size 0x{r.Size:x}) runs past the end of the 64-bit address space");
        // Only the neighbours by base can overlap (the kept regions do not overlap each other): a binary
        // search, not a scan of every region, so 65,536 regions compile in linear-logarithmic time.
        int at = _regionsByBase.BinarySearch(r, RegionBaseOrder.Instance);
        if (at < 0) at = ~at;
        foreach (int k in (ReadOnlySpan<int>)[at - 1, at])
        {
            if (k < 0 || k >= _regionsByBase.Count) continue;
            var o = _regionsByBase[k];
            // [b, b+s) and [ob, ob+os) overlap when each starts before the other ends (no wraparound: checked above).
            if (r.Base < o.End && o.Base < r.End)
                ScenarioThrow.At(Pos(baseTok), $"region '{r.Name}' (0x{r.Base:x}..0x{r.End:x}) overlaps region '{o.Name}' (0x{o.Base:x}..0x{o.End:x})");
        }
        if (Header.RegionProblem(r) is { } big) ScenarioThrow.At(Pos(baseTok), big);
        Header.AddRegion(r);
        _regionsByBase.Insert(at, r);
        _regionIds[r.Name] = _regions.Count;
        _regions.Add(r);
    }
}

/// <summary>Orders regions by base address.</summary>
sealed class RegionBaseOrder : IComparer<RegionInfo>
{
    public static readonly RegionBaseOrder Instance = new();

    public int Compare(RegionInfo? x, RegionInfo? y) => x!.Base.CompareTo(y!.Base);
}
