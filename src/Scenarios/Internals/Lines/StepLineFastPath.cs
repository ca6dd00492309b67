using System.Runtime.CompilerServices;
using TraceTools.Scenarios.Internals.Generation;
using TraceTools.Scenarios.Internals.Program;
using TraceTools.Scenarios.Internals.Syntax;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Lines;

/// <summary>
/// The steps as <c>dump</c> prints them, compiled without tokens or allocations: <c>AGENT: op REGION [+ N]
/// size N [= N] [@ "site"]</c>, barriers, irqs, locks. It only accepts a line it can resolve completely
/// and validly (names declared, op allowed for the agent, access inside the named region of the right
/// kind, value fits); anything else, including every error, returns false and goes through the full parser,
/// so the language and its messages have one definition. A differential test holds the two to the same events.
/// </summary>
[SkipLocalsInit]
sealed class StepLineFastPath
{
    readonly Parser _parser;
    readonly EventEmitter _emitter;
    readonly RegionInfo[] _regions;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _agents;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _regionIds;
    readonly Dictionary<string, uint> _barriers = new(StringComparer.Ordinal);
    readonly Dictionary<string, uint>.AlternateLookup<ReadOnlySpan<char>> _barrierLookup;
    readonly bool[] _isCpu;

    public StepLineFastPath(Parser parser, EventEmitter emitter)
    {
        _parser = parser;
        _emitter = emitter;
        _regions = parser.RegionArray;
        var agents = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < parser.Agents.Count; i++) agents[parser.Agents[i].Name] = i;
        _agents = agents.GetAlternateLookup<ReadOnlySpan<char>>();
        _isCpu = [.. parser.Agents.Select(a => a.IsCpu)];
        var regions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _regions.Length; i++) regions[_regions[i].Name] = i;
        _regionIds = regions.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var b in BarrierCode.AllFor(parser.Arch)) _barriers[b.ToString()] = b.Value;
        _barrierLookup = _barriers.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryCompile(ReadOnlySpan<char> line)
    {
        int p = 0;
        var agentName = Name(line, ref p);
        if (agentName.IsEmpty || p >= line.Length || line[p] != ':' || !_agents.TryGetValue(agentName, out int agent)) return false;
        p++;
        if (!Spaces(line, ref p)) return false;
        var op = Name(line, ref p);
        bool cpu = _isCpu[agent];
        EventKind kind;
        switch (op)
        {
            case "store" when cpu: kind = EventKind.Store; break;
            case "load" when cpu: kind = EventKind.Load; break;
            case "store_release" when cpu: kind = EventKind.StoreRelease; break;
            case "load_acquire" when cpu: kind = EventKind.LoadAcquire; break;
            case "xchg" when cpu: kind = EventKind.Xchg; break;
            case "mmio_write" when cpu: kind = EventKind.MmioWrite; break;
            case "mmio_read" when cpu: kind = EventKind.MmioRead; break;
            case "cache_clean" when cpu: kind = EventKind.CacheClean; break;
            case "cache_inval" when cpu: kind = EventKind.CacheInval; break;
            case "cache_flush" when cpu: kind = EventKind.CacheFlush; break;
            case "dma_write" when !cpu: kind = EventKind.DmaWrite; break;
            case "dma_read" when !cpu: kind = EventKind.DmaRead; break;
            case "barrier" when cpu: return Barrier(line, p, agent);
            case "take_irq" when cpu: return Named(line, p, agent, EventKind.TakeIrq);
            case "quiesce" when cpu: return Named(line, p, agent, EventKind.Quiesce);
            case "lock" when cpu: return Named(line, p, agent, EventKind.Lock);
            case "unlock" when cpu: return Named(line, p, agent, EventKind.Unlock);
            case "raise_irq" when !cpu:
            case "handover" when cpu:
            {
                if (!Site(line, ref p, out int s)) return false;
                _emitter.Append(new TraceEvent(cpu ? EventKind.Handover : EventKind.RaiseIrq, (ushort)agent, 0, 0, 0, s), default);
                return true;
            }
            default: return false;
        }
        return Access(line, p, agent, kind);
    }

    bool Access(ReadOnlySpan<char> line, int p, int agent, EventKind kind)
    {
        if (!Spaces(line, ref p) || !_regionIds.TryGetValue(Name(line, ref p), out int region)) return false;
        var r = _regions[region];
        if (r.Kind == RegionKind.Table) return false; // entry syntax and fetch rules: the parser's
        ulong offset = 0;
        if (Keyword(line, ref p, '+'))
        {
            if (!Spaces(line, ref p) || !Number(line, ref p, out offset)) return false;
        }
        if (!Spaces(line, ref p) || !Name(line, ref p).SequenceEqual("size") || !Spaces(line, ref p)
            || !Number(line, ref p, out ulong size) || size - 1 >= TraceEvent.MaxSize) return false;
        ulong address = r.Base + offset;
        if (address < r.Base || !r.Contains(address, size) || (kind is EventKind.MmioWrite or EventKind.MmioRead) != (r.Kind == RegionKind.Mmio))
            return false;
        bool write = kind is EventKind.Store or EventKind.DmaWrite or EventKind.MmioWrite or EventKind.StoreRelease or EventKind.Xchg;
        ulong value = 0;
        bool hasValue = false;
        if (write && Keyword(line, ref p, '='))
        {
            if (!Spaces(line, ref p) || !Number(line, ref p, out value) || (size < 8 && value >> (8 * (int)size) != 0)) return false;
            hasValue = true;
        }
        if (kind is EventKind.MmioWrite or EventKind.StoreRelease or EventKind.Xchg && !hasValue) return false;
        if (!Site(line, ref p, out int site)) return false;
        var e = new TraceEvent(kind, (ushort)agent, address, (int)size, 0, site);
        switch (kind)
        {
            case EventKind.Store or EventKind.DmaWrite or EventKind.StoreRelease or EventKind.Xchg:
                _emitter.Write(in e, region, hasValue ? Value(value, (int)size) : _emitter.Pattern(address, (int)size, region));
                return true;
            case EventKind.MmioWrite:
                _emitter.Append(in e, Value(value, (int)size));
                return true;
            case EventKind.Load or EventKind.DmaRead or EventKind.LoadAcquire:
                _emitter.Read(in e, region);
                return true;
            default:
                _emitter.Append(in e, default);
                return true;
        }
    }

    Span<byte> Value(ulong value, int size)
    {
        var data = _emitter.Scratch(size);
        StepResolver.WriteValueUnchecked(value, data);
        return data;
    }

    bool Barrier(ReadOnlySpan<char> line, int p, int agent)
    {
        if (!Spaces(line, ref p)) return false;
        int start = p;
        while (p < line.Length && line[p] != ' ') p++;
        if (!_barrierLookup.TryGetValue(line[start..p], out uint code) || !Site(line, ref p, out int site)) return false;
        _emitter.Append(new TraceEvent(EventKind.Barrier, (ushort)agent, 0, 0, code, site), default);
        return true;
    }

    bool Named(ReadOnlySpan<char> line, int p, int agent, EventKind kind)
    {
        if (!Spaces(line, ref p)) return false;
        var name = Name(line, ref p);
        if (name.IsEmpty) return false;
        uint aux = 0;
        bool device = kind is EventKind.TakeIrq or EventKind.Quiesce;
        if (device)
        {
            if (!_agents.TryGetValue(name, out int id) || _isCpu[id]) return false;
            aux = (uint)id;
        }
        // A lock over a trace limit falls back before the site is interned (the full parser stops at the lock);
        // the lock itself is interned only for a line that compiles (the full parser lexes the whole line first).
        else if (!_parser.LockAllowed(name)) return false;
        if (!Site(line, ref p, out int site)) return false;
        if (!device)
        {
            _parser.TryLock(name, out int lockId);
            aux = (uint)lockId;
        }
        _emitter.Append(new TraceEvent(kind, (ushort)agent, 0, 0, aux, site), default);
        return true;
    }

    /// <summary>End of line, or <c> @ "site"</c> (no escapes) then end of line.</summary>
    bool Site(ReadOnlySpan<char> line, ref int p, out int site)
    {
        site = -1;
        if (p == line.Length) return true;
        if (!Keyword(line, ref p, '@') || !Spaces(line, ref p) || p >= line.Length || line[p] != '"') return false;
        int start = ++p;
        int end = line[start..].IndexOfAny('"', '\\');
        if (end < 0 || line[start + end] != '"' || start + end + 1 != line.Length) return false;
        return _parser.TrySite(line.Slice(start, end), out site);
    }

    /// <summary>One or more spaces then <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Keyword(ReadOnlySpan<char> line, ref int p, char c)
    {
        int q = p;
        if (q >= line.Length || line[q] != ' ') return false;
        while (q < line.Length && line[q] == ' ') q++;
        if (q >= line.Length || line[q] != c) return false;
        p = q + 1;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Spaces(ReadOnlySpan<char> line, ref int p)
    {
        int start = p;
        while (p < line.Length && line[p] == ' ') p++;
        return p > start;
    }

    /// <summary>A scenario name, <c>[A-Za-z_][A-Za-z0-9_.]*</c>; empty when none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ReadOnlySpan<char> Name(ReadOnlySpan<char> line, ref int p)
    {
        int start = p;
        if (p >= line.Length || !(char.IsAsciiLetter(line[p]) || line[p] == '_')) return default;
        p++;
        while (p < line.Length && (char.IsAsciiLetterOrDigit(line[p]) || line[p] is '_' or '.')) p++;
        return line[start..p];
    }

    /// <summary>Decimal or <c>0x</c> hex without <c>_</c> (anything unusual goes to the lexer).</summary>
    static bool Number(ReadOnlySpan<char> line, ref int p, out ulong value)
    {
        value = 0;
        int start = p;
        while (p < line.Length && (char.IsAsciiLetterOrDigit(line[p]) || line[p] == '_')) p++;
        var s = line[start..p];
        if (s.Length > 2 && s[0] == '0' && s[1] == 'x')
        {
            s = s[2..];
            if (s.Length > 16) return false;
            foreach (char c in s)
            {
                int d = char.IsAsciiDigit(c) ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) return false;
                value = value << 4 | (uint)d;
            }
            return true;
        }
        if (s.Length is 0 or > 19) return false;
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (uint)(c - '0');
        }
        return true;
    }
}
