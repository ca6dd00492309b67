namespace TraceTools.TraceFormat;

/// <summary>A run of entry bits <see cref="Low"/>..<see cref="High"/> (inclusive), counted little-endian from the entry's first byte.</summary>
/// <param name="Low">Lowest bit.</param>
/// <param name="High">Highest bit (≥ <paramref name="Low"/>).</param>
public readonly record struct EntryBits(uint Low, uint High)
{
    /// <summary>Bits in the run.</summary>
    public uint Width => High - Low + 1;
}

/// <summary>One condition of a <see cref="UsedRule"/>: the field's value (its bits as an unsigned integer) masked with <see cref="Mask"/> equals <see cref="Value"/>.</summary>
/// <param name="Field">The field's bits (at most 64).</param>
/// <param name="Mask">Which bits of the field's value are compared (all ones: the whole field).</param>
/// <param name="Value">The compared value; it has no bit outside <paramref name="Mask"/>.</param>
public readonly record struct UsedCondition(EntryBits Field, ulong Mask, ulong Value);

/// <summary>
/// One <c>used</c> line of a table: the fetcher uses <see cref="Bits"/> of an entry whose fields meet every
/// condition of <see cref="When"/> (none: always).
/// </summary>
public sealed class UsedRule : IEquatable<UsedRule>
{
    /// <summary>Creates a rule.</summary>
    public UsedRule(IReadOnlyList<EntryBits> bits, IReadOnlyList<UsedCondition> when)
    {
        Bits = bits;
        When = when;
        // Arrays for the evaluation's loops (Holds, UsedOutcomes): a foreach over the lists allocates an enumerator.
        _runs = [.. bits];
        _conditions = [.. when];
    }

    readonly EntryBits[] _runs;
    readonly UsedCondition[] _conditions;

    /// <summary><see cref="Bits"/>, as an array.</summary>
    internal ReadOnlySpan<EntryBits> Runs => _runs;

    /// <summary><see cref="When"/>, as an array.</summary>
    internal ReadOnlySpan<UsedCondition> Conditions => _conditions;

    /// <summary>The bits the rule makes used.</summary>
    public IReadOnlyList<EntryBits> Bits { get; }

    /// <summary>The conditions, all of which must hold.</summary>
    public IReadOnlyList<UsedCondition> When { get; }

    /// <summary>True when every condition holds on <paramref name="entry"/>.</summary>
    public bool Holds(ReadOnlySpan<byte> entry)
    {
        foreach (var c in _conditions)
            if ((UsedBits.Field(entry, c.Field) & c.Mask) != c.Value) return false;
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(UsedRule? other) => other is not null && Bits.SequenceEqual(other.Bits) && When.SequenceEqual(other.When);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as UsedRule);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Bits.Count, When.Count, Bits.Count > 0 ? Bits[0] : default);
}

/// <summary>
/// Which bits of a table's entry its fetcher uses, as a function of the entry's own fields (what the Linux
/// SMMUv3 driver's <c>arm_smmu_get_ste_used</c> computes): the present bit always; when the entry is present,
/// the bits of every rule whose conditions hold. A table without used bits uses every bit (model.md §8).
/// </summary>
public sealed partial class UsedBits : IEquatable<UsedBits>
{
    /// <summary>At most this many rules per table (a header limit, checked where it is declared and read).</summary>
    public const int MaxRules = 1024;

    /// <summary>At most this many bit runs or conditions per rule.</summary>
    public const int MaxPerRule = 256;

    /// <summary>Creates the used bits of a table from its rules.</summary>
    public UsedBits(IReadOnlyList<UsedRule> rules)
    {
        Rules = rules;
        _rules = [.. rules];
    }

    readonly UsedRule[] _rules;

    /// <summary>The rules, in declaration order.</summary>
    public IReadOnlyList<UsedRule> Rules { get; }

    /// <summary>The value of the field <paramref name="f"/> (at most 64 bits wide) of <paramref name="entry"/>.</summary>
    public static ulong Field(ReadOnlySpan<byte> entry, EntryBits f)
    {
        // A condition's field is at most 64 bits: read the bytes holding it, not bit by bit (a 64-bit field took 64
        // steps, and the evaluation of every rule at every store of a table with used bits is made of these).
        uint width = f.Width;
        if (width is 0 or > 64) return FieldBitByBit(entry, f);
        int first = (int)(f.Low >> 3), bytes = (int)(f.High >> 3) - first + 1, shift = (int)(f.Low & 7);
        ulong v;
        if (first + 8 <= entry.Length) v = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(entry[first..]);
        else
        {
            v = 0;
            for (int i = 0; i < Math.Min(bytes, 8); i++) v |= (ulong)entry[first + i] << (8 * i);
        }
        v >>= shift;
        // Nine bytes only when the field is not byte-aligned (shift > 0) and runs into the ninth.
        if (bytes == 9) v |= (ulong)entry[first + 8] << (64 - shift);
        return width == 64 ? v : v & ((1UL << (int)width) - 1);
    }

    /// <summary><see cref="Field"/> bit by bit: the low 64 bits of a wider run.</summary>
    static ulong FieldBitByBit(ReadOnlySpan<byte> entry, EntryBits f)
    {
        ulong v = 0;
        for (uint b = f.High; ; b--)
        {
            v = (v << 1) | (uint)((entry[(int)(b >> 3)] >> (int)(b & 7)) & 1);
            if (b == f.Low) return v;
        }
    }

    /// <summary>Sets bits <paramref name="bits"/> in the byte mask <paramref name="mask"/>.</summary>
    public static void Set(Span<byte> mask, EntryBits bits)
    {
        for (uint b = bits.Low; b <= bits.High; b++)
        {
            mask[(int)(b >> 3)] |= (byte)(1 << (int)(b & 7));
            if (b == uint.MaxValue) break;
        }
    }

    /// <summary>
    /// Writes into <paramref name="used"/> (one bit per entry bit, the entry's length) the bits the fetcher
    /// uses of an entry holding <paramref name="entry"/>: the present bit, and when it is set the bits of every
    /// rule whose conditions hold.
    /// </summary>
    public void Evaluate(ReadOnlySpan<byte> entry, uint presentBit, Span<byte> used)
    {
        used.Clear();
        var present = new EntryBits(presentBit, presentBit);
        Set(used, present);
        if (Field(entry, present) == 0) return;
        foreach (var rule in _rules)
        {
            if (!rule.Holds(entry)) continue;
            foreach (var bits in rule.Runs) Set(used, bits);
        }
    }

    /// <summary>The problem with these used bits for <paramref name="table"/>, or null when they are valid.</summary>
    public string? Check(RegionInfo table)
    {
        string n = table.Name;
        ulong bits = 8UL * table.EntrySize;
        if (Rules.Count > MaxRules) return $"table '{n}' has {Rules.Count} used rules (at most {MaxRules})";
        foreach (var rule in Rules)
        {
            if (rule.Bits.Count == 0) return $"table '{n}' has a used rule without bits";
            if (rule.Bits.Count > MaxPerRule || rule.When.Count > MaxPerRule)
                return $"table '{n}' has a used rule of {rule.Bits.Count} bit runs and {rule.When.Count} conditions (at most {MaxPerRule} each)";
            foreach (var b in rule.Bits)
                if (OutOfEntry(b, bits) is { } bad) return $"table '{n}': used {bad}";
            foreach (var c in rule.When)
            {
                if (OutOfEntry(c.Field, bits) is { } bad) return $"table '{n}': condition on {bad}";
                if (c.Field.Width > 64) return $"table '{n}': condition on bits {c.Field.High}:{c.Field.Low}, wider than 64 bits";
                ulong all = c.Field.Width == 64 ? ulong.MaxValue : (1UL << (int)c.Field.Width) - 1;
                if ((c.Mask & ~all) != 0 || (c.Value & ~c.Mask) != 0)
                    return $"table '{n}': condition on bits {c.Field.High}:{c.Field.Low} compares 0x{c.Value:x} under mask 0x{c.Mask:x}, which do not fit the field";
            }
        }
        return null;
    }

    static string? OutOfEntry(EntryBits b, ulong bits) =>
        b.Low > b.High ? $"bits {b.High}:{b.Low} run downwards"
        : b.High >= bits ? $"bits {b.High}:{b.Low} lie outside the {bits / 8}-byte entry"
        : null;

    /// <inheritdoc/>
    public bool Equals(UsedBits? other) => other is not null && Rules.SequenceEqual(other.Rules);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as UsedBits);

    /// <inheritdoc/>
    public override int GetHashCode() => Rules.Count;
}
