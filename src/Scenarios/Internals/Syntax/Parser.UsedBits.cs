using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Internals.Syntax;

// field and used: which bits of a table's entry its fetcher uses (scenario-language.md "Used bits", model.md §8).
sealed partial class Parser
{
    /// <summary>Per table name, its named fields.</summary>
    readonly Dictionary<string, Dictionary<string, EntryBits>> _fields = [];
    /// <summary>Per table region index, its used rules in declaration order.</summary>
    readonly Dictionary<int, List<UsedRule>> _usedRules = [];

    /// <summary><c>field TABLE NAME BITS</c>: a name for a run of entry bits, in TABLE's own field namespace.</summary>
    void ParseField()
    {
        var (table, _) = UsedTable();
        var name = ExpectName("the field's name");
        var fields = _fields.TryGetValue(table.Name, out var f) ? f : _fields[table.Name] = [];
        if (fields.ContainsKey(name.Text!)) ScenarioThrow.At(Pos(name), $"field '{name.Text}' of table '{table.Name}' is already declared");
        if (TraceLimits.LengthProblem("the name", name.Text!) is { } tooLong) ScenarioThrow.At(Pos(name), tooLong);
        fields[name.Text!] = ParseBitRun(table, "'bits HIGH:LOW', 'bit N' or 'qword Q bits HIGH:LOW'");
    }

    /// <summary><c>used TABLE FIELD[, FIELD ...] [when FIELD [&amp; MASK] = VALUE [and ...]]</c>.</summary>
    void ParseUsed()
    {
        var (table, index) = UsedTable();
        var bits = new List<EntryBits>();
        do bits.Add(ParseFieldRef(table));
        while (Peek.Kind == TokenKind.Comma && Next().Kind == TokenKind.Comma);
        var when = new List<UsedCondition>();
        if (AcceptKeyword("when"))
        {
            do when.Add(ParseCondition(table));
            while (AcceptKeyword("and"));
        }
        var rules = _usedRules.TryGetValue(index, out var r) ? r : _usedRules[index] = [];
        if (rules.Count >= UsedBits.MaxRules) ScenarioThrow.At(Pos(Peek), $"too many 'used' lines for table '{table.Name}': at most {UsedBits.MaxRules}");
        if (bits.Count > UsedBits.MaxPerRule || when.Count > UsedBits.MaxPerRule)
            ScenarioThrow.At(Pos(Peek), $"a 'used' line names at most {UsedBits.MaxPerRule} fields and {UsedBits.MaxPerRule} conditions");
        rules.Add(new UsedRule(bits.ToArray(), when.ToArray()));
    }

    (RegionInfo Table, int Index) UsedTable()
    {
        var t = ExpectName("a table's name");
        int index = _regionIds.GetValueOrDefault(t.Text!, -1);
        if (index < 0 || _regions[index].Kind != RegionKind.Table)
            ScenarioThrow.At(Pos(t), $"'{t.Text}' is not a table declared above{NearMiss.Suffix(t.Text!, _regions.Where(r => r.Kind == RegionKind.Table).Select(r => r.Name))}");
        return (_regions[index], index);
    }

    /// <summary>A declared field of <paramref name="table"/>, or an anonymous run of bits.</summary>
    EntryBits ParseFieldRef(RegionInfo table)
    {
        var t = Peek;
        if (t.Kind == TokenKind.Name && t.Text is not ("bits" or "bit" or "qword"))
        {
            _pos++;
            if (_fields.TryGetValue(table.Name, out var fields) && fields.TryGetValue(t.Text!, out var bits)) return bits;
            ScenarioThrow.At(Pos(t), $"unknown field '{t.Text}' of table '{table.Name}' (declare it with 'field {table.Name} {t.Text} bits HIGH:LOW', or write the bits){NearMiss.Suffix(t.Text!, fields?.Keys ?? Enumerable.Empty<string>())}");
        }
        return ParseBitRun(table, "a field name, 'bits HIGH:LOW', 'bit N' or 'qword Q bits HIGH:LOW'");
    }

    /// <summary><c>[qword Q] bits HIGH:LOW</c> or <c>[qword Q] bit N</c>, checked against the entry.</summary>
    EntryBits ParseBitRun(RegionInfo table, string expected)
    {
        var start = Peek;
        ulong offset = 0;
        bool inQword = AcceptKeyword("qword");
        if (inQword)
        {
            var q = Peek;
            ulong qword = ParseBitNumber();
            if (qword >= (table.EntrySize + 7) / 8) ScenarioThrow.At(Pos(q), $"qword {qword} is outside the {table.EntrySize}-byte entry of table '{table.Name}'");
            offset = qword * 64;
        }
        var kw = Peek;
        ulong high, low;
        if (AcceptKeyword("bit")) high = low = ParseBitNumber();
        else if (AcceptKeyword("bits"))
        {
            high = ParseBitNumber();
            Expect(TokenKind.Colon, "':' between the high and the low bit (bits HIGH:LOW)");
            low = ParseBitNumber();
            if (low > high) ScenarioThrow.At(Pos(kw), $"bits {high}:{low} run downwards: write the high bit first (bits {low}:{high})");
        }
        else
        {
            ScenarioThrow.At(Pos(kw), $"expected {expected} but found {kw.Show()}");
            return default;
        }
        if (inQword && high >= 64) ScenarioThrow.At(Pos(kw), $"bit {high} is outside a qword (0..63)");
        high += offset;
        low += offset;
        if (high >= 8UL * table.EntrySize)
            ScenarioThrow.At(Pos(start), $"bits {high}:{low} lie outside the {table.EntrySize}-byte entry of table '{table.Name}' (bits 0..{8UL * table.EntrySize - 1})");
        return new EntryBits((uint)low, (uint)high);
    }

    /// <summary>A bit or qword number: an expression without <c>&amp; ^ |</c>, so that <c>bits 3:1 &amp; 2 = 2</c> masks the field.</summary>
    ulong ParseBitNumber() => ParseShift().Eval([]);

    /// <summary><c>FIELD [&amp; MASK] = VALUE</c>: the field's value, masked, equals VALUE.</summary>
    UsedCondition ParseCondition(RegionInfo table)
    {
        var at = Peek;
        var field = ParseFieldRef(table);
        if (field.Width > 64) ScenarioThrow.At(Pos(at), $"a condition reads at most 64 bits, and this field has {field.Width}");
        ulong all = field.Width == 64 ? ulong.MaxValue : (1UL << (int)field.Width) - 1;
        ulong mask = all;
        if (Peek.Kind == TokenKind.Amp)
        {
            _pos++;
            var m = Peek;
            mask = ParseConstant();
            if ((mask & ~all) != 0) ScenarioThrow.At(Pos(m), $"mask 0x{mask:x} does not fit the {field.Width}-bit field");
        }
        Expect(TokenKind.Equals, "'=' and the value the field must have");
        var v = Peek;
        ulong value = ParseConstant();
        if ((value & ~mask) != 0)
            ScenarioThrow.At(Pos(v), mask == all
                ? $"value 0x{value:x} does not fit the {field.Width}-bit field"
                : $"value 0x{value:x} has bits outside the mask 0x{mask:x}: the condition never holds");
        return new UsedCondition(field, mask, value);
    }

    /// <summary>The regions with their used bits attached (tables without 'used' lines use every bit).</summary>
    RegionInfo[] RegionsWithUsedBits()
    {
        var regions = _regions.ToArray();
        foreach (var (index, rules) in _usedRules) regions[index] = regions[index] with { UsedBits = new UsedBits(rules.ToArray()) };
        return regions;
    }
}
