using System.Runtime.CompilerServices;

namespace TraceTools.TraceFormat;

/// <summary>
/// <see cref="UsedBits.Evaluate"/> kept up to date instead of redone: the outcome of every condition on the last entry
/// value given, per rule how many of its conditions fail, and per entry bit how many holding rules use it. Given the
/// next value, it compares only the bytes some condition reads (and the present byte) and re-evaluates the conditions
/// of the bytes that differ, so a store costs the conditions it touched, not rules × conditions (up to 1,024 × 256 a
/// table: 2,000 stores each followed by a fetch's read took 10 s).
/// </summary>
/// <remarks>
/// The outcomes are a function of the bytes alone, not of which entry holds them: one instance can follow any
/// entries of its table, and is never stale, only as far from the next value as the bytes that differ. Not thread-safe:
/// one per user (the engine's store check, each fetcher).
/// </remarks>
public sealed class UsedOutcomes
{
    readonly UsedBits.ConditionIndex _index;
    readonly UsedRule[] _rules;
    readonly uint _presentBit;
    readonly int _presentByte;
    readonly byte _presentMask;

    /// <summary>The entry value the outcomes are of (at the bytes conditions read and the present byte; the others as last given).</summary>
    readonly byte[] _entry;

    /// <summary>The bytes compared by <see cref="Update(ReadOnlySpan{byte})"/>: those some condition reads, and the present byte.</summary>
    readonly int[] _watched;

    readonly bool[] _holds;
    readonly int[] _failing;
    readonly int[] _usersOfBit;

    /// <summary>Used bits when the entry is present (the present bit and the bits of every holding rule), and when not (the present bit).</summary>
    readonly byte[] _whenPresent, _whenAbsent;

    /// <summary>Scratch: the bytes that differed in the current update (no allocation per store).</summary>
    readonly int[] _changed;

    /// <summary>Outcomes for <paramref name="used"/> on entries of <paramref name="entrySize"/> bytes, starting from an all-zero entry.</summary>
    public UsedOutcomes(UsedBits used, int entrySize, uint presentBit)
    {
        _index = used.Index;
        _rules = [.. used.Rules];
        _presentBit = presentBit;
        _presentByte = (int)(presentBit >> 3);
        _presentMask = (byte)(1 << (int)(presentBit & 7));
        _entry = new byte[Math.Max(entrySize, _index.Bytes)];
        _whenPresent = new byte[entrySize];
        _whenAbsent = new byte[entrySize];
        _whenPresent[_presentByte] = _whenAbsent[_presentByte] = _presentMask;
        _usersOfBit = new int[8 * entrySize];
        _holds = new bool[_index.Conditions.Length];
        _failing = new int[_rules.Length];
        var watched = new List<int>();
        for (int k = 0; k < _index.Bytes; k++)
            if (_index.ByteStart[k + 1] > _index.ByteStart[k] || k == _presentByte) watched.Add(k);
        if (_presentByte >= _index.Bytes) watched.Add(_presentByte);
        _watched = [.. watched];
        _changed = new int[_entry.Length];
        // The one whole evaluation: every condition on the all-zero entry.
        for (int i = 0; i < _holds.Length; i++)
        {
            _holds[i] = Holds(i);
            if (!_holds[i]) _failing[_index.RuleOf[i]]++;
        }
        for (int r = 0; r < _rules.Length; r++)
            if (_failing[r] == 0) Use(r, +1);
    }

    /// <summary>True when the entry last given has its present bit set.</summary>
    public bool Present => (_entry[_presentByte] & _presentMask) != 0;

    /// <summary>Used(v) of the entry last given, one bit per entry bit (what <see cref="UsedBits.Evaluate"/> writes).</summary>
    public ReadOnlySpan<byte> Used => Present ? _whenPresent : _whenAbsent;

    /// <summary>Brings the outcomes to <paramref name="entry"/>, which is read only at the bytes conditions read and the present byte.</summary>
    public void Update(ReadOnlySpan<byte> entry)
    {
        int n = 0;
        foreach (int k in _watched)
            if (entry[k] != _entry[k]) (_entry[k], _changed[n++]) = (entry[k], k);
        Reevaluate(n);
    }

    /// <summary>
    /// Brings the outcomes to <paramref name="entry"/> when it differs from the value last given only in bytes
    /// [<paramref name="from"/>, + <paramref name="length"/>) (a store's): only those are read.
    /// </summary>
    public void Update(ReadOnlySpan<byte> entry, int from, int length)
    {
        int n = 0;
        for (int k = from; k < from + length; k++)
            if (entry[k] != _entry[k]) (_entry[k], _changed[n++]) = (entry[k], k);
        Reevaluate(n);
    }

    /// <summary>
    /// True when a bit in which <paramref name="before"/> and <paramref name="after"/> differ is used by the entry
    /// before or after (model.md §8.1: Used(before) ∪ Used(after)), for a store that wrote only the bytes
    /// [<paramref name="from"/>, + <paramref name="length"/>): the two are read only there, at the present byte and at
    /// <see cref="UsedBits.ConditionBytes"/>, so the caller fills only those. Leaves the outcomes at the entry after.
    /// </summary>
    public bool ChangesUsed(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, int from, int length)
    {
        // Before: the conditions of the bytes in which it differs from the last entry given (none for a run of stores
        // to one entry). After: the conditions of the bytes stored.
        Update(before);
        if (UsesAChange(before, after, from, length)) return true;
        Update(after, from, length);
        return UsesAChange(before, after, from, length);
    }

    /// <summary>
    /// True when a bit of bytes [<paramref name="from"/>, + <paramref name="length"/>) in which <paramref name="before"/>
    /// and <paramref name="after"/> differ is in <see cref="Used"/>.
    /// </summary>
    public bool UsesAChange(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, int from, int length)
    {
        var used = Used;
        for (int k = from; k < from + length; k++)
            if (((before[k] ^ after[k]) & used[k]) != 0) return true;
        return false;
    }

    /// <summary>Re-evaluates the conditions of the first <paramref name="n"/> bytes of <see cref="_changed"/>, all already written into <see cref="_entry"/>.</summary>
    void Reevaluate(int n)
    {
        var index = _index;
        for (int j = 0; j < n; j++)
        {
            int k = _changed[j];
            if (k >= index.Bytes) continue; // the present byte beyond every condition
            // A condition over several changed bytes is met once per byte: the second time its outcome is already
            // the new one, so nothing flips twice.
            for (int at = index.ByteStart[k]; at < index.ByteStart[k + 1]; at++)
            {
                int i = index.ByByte[at];
                bool holds = Holds(i);
                if (holds == _holds[i]) continue;
                _holds[i] = holds;
                int r = index.RuleOf[i];
                if (holds)
                {
                    if (--_failing[r] == 0) Use(r, +1);
                }
                else if (_failing[r]++ == 0) Use(r, -1);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool Holds(int i)
    {
        ref readonly var c = ref _index.Conditions[i];
        return (UsedBits.Field(_entry, c.Field) & c.Mask) == c.Value;
    }

    /// <summary>Rule <paramref name="r"/> starts (+1) or stops (-1) holding: its bits gain or lose a user.</summary>
    void Use(int r, int delta)
    {
        var users = _usersOfBit;
        foreach (var run in _rules[r].Runs)
            for (uint b = run.Low; b <= run.High; b++)
            {
                int now = users[b] += delta;
                // The present bit is used whatever the rules say.
                if (b == _presentBit) continue;
                byte bit = (byte)(1 << (int)(b & 7));
                if (now == 0) _whenPresent[b >> 3] &= (byte)~bit;
                else if (now == delta) _whenPresent[b >> 3] |= bit; // 0 -> 1
            }
    }
}
