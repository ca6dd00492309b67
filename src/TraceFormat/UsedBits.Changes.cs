namespace TraceTools.TraceFormat;

// Whether a store changes used bits, from the bytes it writes and the bytes the conditions read: a store to an
// entry of E bytes cost E (the entry read before and after, both evaluated over the whole entry) when the answer
// depends only on the few bytes the rules read and the bytes stored.
public sealed partial class UsedBits
{
    int[]? _conditionBytes;

    /// <summary>The offsets (ascending, distinct) of the entry bytes some condition of some rule reads.</summary>
    public ReadOnlySpan<int> ConditionBytes => _conditionBytes ??= FindConditionBytes();

    int[] FindConditionBytes()
    {
        var bytes = new SortedSet<int>();
        foreach (var rule in Rules)
            foreach (var c in rule.When)
                for (uint k = c.Field.Low >> 3; k <= c.Field.High >> 3; k++) bytes.Add((int)k);
        return [.. bytes];
    }

    /// <summary>
    /// True when a bit in which <paramref name="before"/> and <paramref name="after"/> differ is used by the entry
    /// before or after (model.md §8.1: Used(before) ∪ Used(after)), for a store that wrote only the bytes
    /// [<paramref name="from"/>, + <paramref name="length"/>): the two are read only there, at the present bit's byte
    /// and at <see cref="ConditionBytes"/>, so the caller fills only those. The same answer as evaluating both
    /// entries whole and intersecting the masks with the bits that differ.
    /// </summary>
    public bool ChangesUsed(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, uint presentBit, int from, int length)
    {
        var present = new EntryBits(presentBit, presentBit);
        if (Differ(before, after, from, length, present)) return true; // always used
        bool presentBefore = Field(before, present) != 0, presentAfter = Field(after, present) != 0;
        if (!presentBefore && !presentAfter) return false; // a non-present entry uses only its present bit
        foreach (var rule in _rules)
        {
            if (!(presentBefore && rule.Holds(before)) && !(presentAfter && rule.Holds(after))) continue;
            foreach (var bits in rule.Runs)
                if (Differ(before, after, from, length, bits)) return true;
        }
        return false;
    }

    /// <summary>True when a bit of <paramref name="bits"/> within bytes [<paramref name="from"/>, + <paramref name="length"/>) differs.</summary>
    static bool Differ(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, int from, int length, EntryBits bits)
    {
        if (length <= 0) return false;
        ulong low = Math.Max(bits.Low, 8UL * (uint)from), high = Math.Min(bits.High, 8UL * (uint)(from + length) - 1);
        for (ulong b = low; b <= high; b++)
            if ((((before[(int)(b >> 3)] ^ after[(int)(b >> 3)]) >> (int)(b & 7)) & 1) != 0) return true;
        return false;
    }
}
