namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// What a valid header declares, shared by the writer (which refuses bad metadata with
/// <see cref="ArgumentException"/>) and the reader (which reports it with the byte offset).
/// Each check returns the problem, or null when the item is fine.
/// </summary>
static class MetadataRules
{
    /// <summary>Names of agents, regions and locks must be scenario-language names, so that <c>dump</c> output compiles.</summary>
    public static string? CheckName(string what, string name)
    {
        if (name.Length == 0) return $"{what} name is empty";
        if (!IsNameStart(name[0])) return $"{what} name '{Printable(name)}' is not a scenario name ([A-Za-z_][A-Za-z0-9_.]*)";
        foreach (char c in name.AsSpan(1))
            if (!IsNameStart(c) && !char.IsAsciiDigit(c) && c != '.')
                return $"{what} name '{Printable(name)}' is not a scenario name ([A-Za-z_][A-Za-z0-9_.]*)";
        return null;
    }

    /// <summary>Free text (scenario name, sites) may hold anything printable; control characters would break <c>dump</c>.</summary>
    public static string? CheckText(string what, string text)
    {
        foreach (char c in text)
            if (char.IsControl(c)) return $"{what} '{Printable(text)}' holds control character U+{(int)c:X4}";
        return null;
    }

    static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    static string Printable(string s)
    {
        var t = s.Length > 40 ? s[..40] + ".." : s;
        return string.Concat(t.Select(c => char.IsControl(c) ? '?' : c));
    }

    /// <summary>An agent: cpus are always coherent.</summary>
    public static string? CheckAgent(AgentInfo a)
    {
        if (CheckName("agent", a.Name) is { } bad) return bad;
        if (a.Kind is not (AgentKind.Cpu or AgentKind.Device)) return $"agent '{a.Name}' has undefined kind {(byte)a.Kind}";
        if (a.Kind == AgentKind.Cpu && !a.Coherent) return $"cpu '{a.Name}' is declared noncoherent";
        if (!Enum.IsDefined(a.IommuAtStart)) return $"agent '{a.Name}' has undefined IOMMU mode {(byte)a.IommuAtStart} at the start";
        if (a.Kind == AgentKind.Cpu && a.IommuAtStart != IommuTreatment.Translate) return $"cpu '{a.Name}' is declared an IOMMU mode at the start (only devices DMA)";
        return null;
    }

    /// <summary>A region on its own (overlaps are checked by <see cref="CheckOverlaps"/>).</summary>
    public static string? CheckRegion(RegionInfo r, IReadOnlyList<AgentInfo> agents)
    {
        if (CheckName("region", r.Name) is { } bad) return bad;
        string n = r.Name;
        if (r.Size == 0) return $"region '{n}' has size 0";
        if (r.Size > ulong.MaxValue - r.Base) return $"region '{n}' ends past 2^64-1";
        switch (r.Kind)
        {
            case RegionKind.Ram or RegionKind.Sync:
                if (r.Device != -1) return $"{KindName(r.Kind)} region '{n}' names a device";
                if (r.Entries != 0 || r.EntrySize != 0 || r.Granule != 0 || r.PresentBit != 0 || r.UsedBits is not null) return $"{KindName(r.Kind)} region '{n}' has table fields";
                return null;
            case RegionKind.Mmio:
                if (!IsDevice(r.Device, agents)) return $"mmio region '{n}' names agent {r.Device}, which is not a device";
                if (r.Entries != 0 || r.EntrySize != 0 || r.Granule != 0 || r.PresentBit != 0 || r.UsedBits is not null) return $"mmio region '{n}' has table fields";
                return null;
            case RegionKind.Table:
                if (!IsDevice(r.Device, agents)) return $"table '{n}' names fetcher {r.Device}, which is not a device";
                if (r.EntrySize == 0 || r.EntrySize > FormatLayout.MaxEntrySize) return $"table '{n}' has entry_size {r.EntrySize} (1..{FormatLayout.MaxEntrySize})";
                if (r.Granule == 0 || r.EntrySize % r.Granule != 0) return $"table '{n}' has granule {r.Granule}, which does not divide entry_size {r.EntrySize}";
                if (r.Entries == 0 || r.Entries > ulong.MaxValue / r.EntrySize || r.Entries * r.EntrySize != r.Size)
                    return $"table '{n}' has {r.Entries} entries of {r.EntrySize} bytes but size {r.Size}";
                if (r.PresentBit >= 8u * r.EntrySize) return $"table '{n}' has present bit {r.PresentBit} outside its {r.EntrySize}-byte entry";
                return r.UsedBits?.Check(r);
            default:
                return $"region '{n}' has undefined kind {(byte)r.Kind}";
        }
    }

    /// <summary>Index of the first region that overlaps an earlier one, or -1.</summary>
    public static int FirstOverlap(IReadOnlyList<RegionInfo> regions)
    {
        if (regions.Count < 2) return -1;
        var order = new int[regions.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => regions[a].Base != regions[b].Base ? regions[a].Base.CompareTo(regions[b].Base) : a.CompareTo(b));
        int worst = -1;
        for (int k = 1; k < order.Length; k++)
        {
            var prev = regions[order[k - 1]];
            var cur = regions[order[k]];
            bool overlaps = cur.Base < prev.End;
            if (overlaps)
            {
                int later = Math.Max(order[k - 1], order[k]);
                if (worst < 0 || later < worst) worst = later;
            }
        }
        return worst;
    }

    /// <summary>The problem with the region list as a whole, naming the region that overlaps.</summary>
    public static string? CheckOverlaps(IReadOnlyList<RegionInfo> regions, out int index)
    {
        index = FirstOverlap(regions);
        return index < 0 ? null : $"region '{regions[index].Name}' overlaps another region";
    }

    /// <summary>A second name equal to an earlier one, or null.</summary>
    public static string? FirstDuplicate(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in names) if (!seen.Add(n)) return n;
        return null;
    }

    static bool IsDevice(int id, IReadOnlyList<AgentInfo> agents) =>
        id >= 0 && id < agents.Count && agents[id].Kind == AgentKind.Device;

    /// <summary>The scenario keyword of a region kind.</summary>
    public static string KindName(RegionKind kind) => kind switch
    {
        RegionKind.Ram => "ram",
        RegionKind.Sync => "sync",
        RegionKind.Mmio => "mmio",
        RegionKind.Table => "table",
        _ => $"region{(byte)kind}",
    };

    /// <summary>Every check at once, for the writer: throws <see cref="ArgumentException"/> on the first problem.</summary>
    public static void ValidateForWriting(TraceMetadata m)
    {
        const string p = "metadata";
        if (!Enum.IsDefined(m.Arch)) FormatThrow.Argument($"undefined arch {(byte)m.Arch}", p);
        if (m.Agents.Count > FormatLayout.MaxAgents) FormatThrow.Argument($"{m.Agents.Count} agents (at most {FormatLayout.MaxAgents})", p);
        if (m.Regions.Count > FormatLayout.MaxRegions) FormatThrow.Argument($"{m.Regions.Count} regions (at most {FormatLayout.MaxRegions})", p);
        if (m.Locks.Count > FormatLayout.MaxLocks) FormatThrow.Argument($"{m.Locks.Count} locks (at most {FormatLayout.MaxLocks})", p);
        if (m.Sites.Count > FormatLayout.MaxSites) FormatThrow.Argument($"{m.Sites.Count} sites (at most {FormatLayout.MaxSites})", p);
        CheckString(m.Name);
        if (CheckText("scenario name", m.Name) is { } t) FormatThrow.Argument(t, p);
        if (CacheLines.Problem((ulong)(long)m.CacheLineSize) is { } line) FormatThrow.Argument(line, p);
        foreach (var a in m.Agents)
        {
            CheckString(a.Name);
            if (CheckAgent(a) is { } bad) FormatThrow.Argument(bad, p);
        }
        foreach (var r in m.Regions)
        {
            CheckString(r.Name);
            if (CheckRegion(r, m.Agents) is { } bad) FormatThrow.Argument(bad, p);
        }
        foreach (var l in m.Locks)
        {
            CheckString(l);
            if (CheckName("lock", l) is { } bad) FormatThrow.Argument(bad, p);
        }
        foreach (var s in m.Sites)
        {
            CheckString(s);
            if (CheckText("site", s) is { } bad) FormatThrow.Argument(bad, p);
        }
        if (CheckOverlaps(m.Regions, out _) is { } overlap) FormatThrow.Argument(overlap, p);
        if (FirstDuplicate(m.Agents.Select(a => a.Name)) is { } da) FormatThrow.Argument($"agent '{da}' is declared twice", p);
        if (FirstDuplicate(m.Regions.Select(r => r.Name)) is { } dr) FormatThrow.Argument($"region '{dr}' is declared twice", p);
        if (FirstDuplicate(m.Locks) is { } dl) FormatThrow.Argument($"lock '{dl}' is declared twice", p);
        if (FirstDuplicate(m.Sites) is { } ds) FormatThrow.Argument($"site '{ds}' is interned twice", p);

        static void CheckString(string s)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(s) > FormatLayout.MaxStringBytes)
                FormatThrow.Argument($"a name or site longer than {FormatLayout.MaxStringBytes} UTF-8 bytes", p);
        }
    }
}
