namespace TraceTools.TraceFormat.Internals;

// Metadata section 1: the used bits of tables (model.md §8, docs/trace-format.md "Metadata sections"). Body
// (varints): the number of tables with used bits; per table its region index (rising), its rule count; per rule
// the number of bit runs and each run's low and high bit, then the number of conditions and each one's low bit,
// high bit, mask and value. Every count is checked against its cap and the bytes left before anything is
// allocated; the decoded used bits are checked as the writer checks them.
static partial class MetadataCodec
{
    /// <summary>The section body for <paramref name="regions"/>, or null when no table has used bits.</summary>
    static byte[]? EncodeUsedBits(IReadOnlyList<RegionInfo> regions)
    {
        var tables = new List<int>();
        for (int i = 0; i < regions.Count; i++) if (regions[i].UsedBits is not null) tables.Add(i);
        if (tables.Count == 0) return null;
        var w = new BlockWriter();
        w.Varint((ulong)tables.Count);
        foreach (int t in tables)
        {
            w.Varint((ulong)t);
            var rules = regions[t].UsedBits!.Rules;
            w.Varint((ulong)rules.Count);
            foreach (var rule in rules)
            {
                w.Varint((ulong)rule.Bits.Count);
                foreach (var b in rule.Bits) { w.Varint(b.Low); w.Varint(b.High); }
                w.Varint((ulong)rule.When.Count);
                foreach (var c in rule.When) { w.Varint(c.Field.Low); w.Varint(c.Field.High); w.Varint(c.Mask); w.Varint(c.Value); }
            }
        }
        return w.ToArray();
    }

    /// <summary>Decodes section 1 into the metadata's regions.</summary>
    static TraceMetadata DecodeUsedBits(ref BlockReader body, TraceMetadata m)
    {
        var regions = m.Regions.ToArray();
        int tables = body.Count("used-bits table", regions.Length, 2);
        long previous = -1;
        for (int t = 0; t < tables; t++)
        {
            long at = body.Offset;
            ulong index = body.Varint("used-bits region index");
            if (index >= (ulong)regions.Length || (long)index <= previous || regions[index].Kind != RegionKind.Table)
                body.Fail(at, $"used bits: region {index} is not a table after region {previous}");
            previous = (long)index;
            var rules = new UsedRule[body.Count("used rule", UsedBits.MaxRules, 2)];
            for (int r = 0; r < rules.Length; r++)
            {
                var bits = new EntryBits[body.Count("used bit run", UsedBits.MaxPerRule, 2)];
                for (int k = 0; k < bits.Length; k++) bits[k] = new EntryBits(Bit(ref body, "used low bit"), Bit(ref body, "used high bit"));
                var when = new UsedCondition[body.Count("used condition", UsedBits.MaxPerRule, 4)];
                for (int k = 0; k < when.Length; k++)
                    when[k] = new UsedCondition(new EntryBits(Bit(ref body, "condition low bit"), Bit(ref body, "condition high bit")),
                        body.Varint("condition mask"), body.Varint("condition value"));
                rules[r] = new UsedRule(bits, when);
            }
            var table = regions[index] with { UsedBits = new UsedBits(rules) };
            if (table.UsedBits!.Check(table) is { } bad) body.Fail(at, "used bits: " + bad);
            regions[index] = table;
        }
        return m.WithRegions(regions);
    }

    static uint Bit(ref BlockReader body, string what)
    {
        long at = body.Offset;
        ulong v = body.Varint(what);
        if (v > uint.MaxValue) body.Fail(at, $"used bits: {what} {v} is beyond 32 bits");
        return (uint)v;
    }
}
