namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Metadata extension tag 1: the used bits of tables (model.md §8). Layout (varints): the number of tables
/// with used bits; per table its region index (rising), its rule count; per rule the number of bit runs and
/// each run's low and high bit, the number of conditions and each one's low bit, high bit, mask and value.
/// Written only when some table has used bits. Every count is checked against its cap and the bytes left
/// before anything is allocated; the decoded used bits are checked like the writer checks them.
/// </summary>
static class UsedBitsCodec
{
    /// <summary>The extension tag (docs/trace-format.md).</summary>
    public const ushort Tag = 1;

    /// <summary>The block for <paramref name="regions"/>, or null when no table has used bits.</summary>
    public static byte[]? Encode(IReadOnlyList<RegionInfo> regions)
    {
        var tables = new List<int>();
        for (int i = 0; i < regions.Count; i++) if (regions[i].UsedBits is not null) tables.Add(i);
        if (tables.Count == 0) return null;
        var buf = new byte[64];
        int len = 0;
        void V(ulong v)
        {
            if (len + Varint.MaxLength > buf.Length) Array.Resize(ref buf, buf.Length * 2);
            Varint.Write(buf, ref len, v);
        }
        V((ulong)tables.Count);
        foreach (int t in tables)
        {
            V((ulong)t);
            var rules = regions[t].UsedBits!.Rules;
            V((ulong)rules.Count);
            foreach (var rule in rules)
            {
                V((ulong)rule.Bits.Count);
                foreach (var b in rule.Bits) { V(b.Low); V(b.High); }
                V((ulong)rule.When.Count);
                foreach (var c in rule.When) { V(c.Field.Low); V(c.Field.High); V(c.Mask); V(c.Value); }
            }
        }
        return buf.AsSpan(0, len).ToArray();
    }

    /// <summary>
    /// Decodes the block found at file offset <paramref name="fileOffset"/> and returns <paramref name="regions"/>
    /// with the used bits set; errors name the offset of the offending item.
    /// </summary>
    public static RegionInfo[] Decode(ReadOnlySpan<byte> block, IReadOnlyList<RegionInfo> regions, string file, long fileOffset)
    {
        var result = regions.ToArray();
        int pos = 0;
        ulong Read(ReadOnlySpan<byte> b, string what)
        {
            int start = pos;
            if (!Varint.TryRead(b, ref pos, out ulong v))
                FormatThrow.Format(file, fileOffset + start, -1, $"metadata extension {Tag} (used bits): {what}: malformed or cut-off varint");
            return v;
        }
        int Count(ReadOnlySpan<byte> b, string what, int cap, int minItemBytes)
        {
            long at = fileOffset + pos;
            ulong n = Read(b, what + " count");
            if (n > (ulong)cap || n * (ulong)minItemBytes > (ulong)(b.Length - pos))
                FormatThrow.Format(file, at, -1, $"metadata extension {Tag} (used bits): {n} {what}s (at most {cap}, and they must fit in the {b.Length - pos} bytes left)");
            return (int)n;
        }
        uint Bit(ReadOnlySpan<byte> b, string what)
        {
            long at = fileOffset + pos;
            ulong v = Read(b, what);
            if (v > uint.MaxValue) FormatThrow.Format(file, at, -1, $"metadata extension {Tag} (used bits): {what} {v} is beyond 32 bits");
            return (uint)v;
        }

        int tables = Count(block, "table", result.Length, 2);
        long previous = -1;
        for (int t = 0; t < tables; t++)
        {
            long at = fileOffset + pos;
            ulong index = Read(block, "region index");
            if (index >= (ulong)result.Length || (long)index <= previous || result[index].Kind != RegionKind.Table)
                FormatThrow.Format(file, at, -1, $"metadata extension {Tag} (used bits): region {index} is not a table after region {previous}");
            previous = (long)index;
            int ruleCount = Count(block, "used rule", UsedBits.MaxRules, 2);
            var rules = new UsedRule[ruleCount];
            for (int r = 0; r < ruleCount; r++)
            {
                var bits = new EntryBits[Count(block, "bit run", UsedBits.MaxPerRule, 2)];
                for (int k = 0; k < bits.Length; k++) bits[k] = new EntryBits(Bit(block, "low bit"), Bit(block, "high bit"));
                var when = new UsedCondition[Count(block, "condition", UsedBits.MaxPerRule, 4)];
                for (int k = 0; k < when.Length; k++)
                    when[k] = new UsedCondition(new EntryBits(Bit(block, "low bit"), Bit(block, "high bit")), Read(block, "mask"), Read(block, "value"));
                rules[r] = new UsedRule(bits, when);
            }
            var table = result[index] with { UsedBits = new UsedBits(rules) };
            if (table.UsedBits!.Check(table) is { } bad) FormatThrow.Format(file, at, -1, $"metadata extension {Tag} (used bits): {bad}");
            result[index] = table;
        }
        if (pos != block.Length) FormatThrow.Format(file, fileOffset + pos, -1, $"metadata extension {Tag} (used bits): {block.Length - pos} bytes after its last field");
        return result;
    }
}
