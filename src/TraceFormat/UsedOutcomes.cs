using System.Runtime.CompilerServices;

namespace TraceTools.TraceFormat;

/// <summary>
/// <see cref="UsedBits.Evaluate"/> kept up to date instead of redone: per rule whether it holds on the last entry value
/// given and, when not, a condition that fails (its witness), and per entry bit how many holding rules use it. Given
/// the next value, it compares only the bytes some condition reads (and the present byte) and visits the conditions of
/// the bytes that differ, so a store costs the conditions it touched, not rules × conditions (up to 1,024 × 256 a
/// table: 2,000 stores each followed by a fetch's read took 8 s).
/// </summary>
/// <remarks>
/// The outcomes are a function of the bytes alone, not of which entry holds them: one instance can follow any
/// entries of its table, and is never stale, only as far from the next value as the bytes that differ. A rule that
/// fails is evaluated again only when its witness is touched, as the whole evaluation stops at a rule's first failing
/// condition; and when the touched conditions outnumber those a whole evaluation of the value would evaluate, it is
/// evaluated whole: visiting every condition of the bytes that differ cost 60 times the whole evaluation when stores
/// alternate between two entries that differ at every condition byte and fail every rule at its first condition
/// (a replay of 2,000 such stores, 1,024 rules of 256 conditions: 0.16 s before the outcomes, 9.9 s visiting).
/// Not thread-safe: one per user (the engine's store check, each fetcher).
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

    /// <summary>Per rule, a condition that fails on <see cref="_entry"/> (an index into the flat conditions), or -1: the rule holds.</summary>
    readonly int[] _witness;

    /// <summary>Per entry bit, how many holding rules use it.</summary>
    readonly int[] _usersOfBit;

    /// <summary>
    /// Conditions a whole evaluation of <see cref="_entry"/> would evaluate, as the witnesses tell (exact after one, at
    /// most an overestimate after updates: a witness set by an update need not be its rule's first failing condition).
    /// An update touching more evaluates whole instead.
    /// </summary>
    int _wholeCost;

    /// <summary>Whole evaluations so far, the first included (for the tests: which way an update went).</summary>
    internal int WholeEvaluations { get; private set; }

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
        _witness = new int[_rules.Length];
        var watched = new List<int>();
        for (int k = 0; k < _index.Bytes; k++)
            if (_index.ByteStart[k + 1] > _index.ByteStart[k] || k == _presentByte) watched.Add(k);
        if (_presentByte >= _index.Bytes) watched.Add(_presentByte);
        _watched = [.. watched];
        _changed = new int[_entry.Length];
        // Every rule fails until evaluated (no bit used), then the all-zero entry evaluated whole.
        _witness.AsSpan().Fill(int.MaxValue);
        EvaluateWhole();
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

    /// <summary>Brings the rules to <see cref="_entry"/>, in which the first <paramref name="n"/> bytes of <see cref="_changed"/> are new.</summary>
    void Reevaluate(int n)
    {
        var index = _index;
        int touched = 0;
        for (int j = 0; j < n; j++)
        {
            int k = _changed[j];
            if (k < index.Bytes) touched += index.ByteStart[k + 1] - index.ByteStart[k];
        }
        // At least a condition a rule: an update touching fewer is never worth a whole evaluation.
        if (touched > Math.Max(_wholeCost, _rules.Length))
        {
            EvaluateWhole();
            return;
        }
        for (int j = 0; j < n; j++)
        {
            int k = _changed[j];
            if (k >= index.Bytes) continue; // the present byte beyond every condition
            for (int at = index.ByteStart[k]; at < index.ByteStart[k + 1]; at++)
            {
                int i = index.ByByte[at];
                int r = index.RuleOf[i];
                int w = _witness[r];
                if (w < 0)
                {
                    // A holding rule: any touched condition may now fail.
                    if (Holds(i)) continue;
                    Witness(r, i);
                    Use(r, -1);
                }
                else if (w == i && Holds(i))
                {
                    // Its witness holds now: the rule holds unless another condition fails. (A condition over several
                    // changed bytes is met once per byte: by then it is evaluated on the new value, so nothing flips twice.)
                    w = FirstFailing(r);
                    Witness(r, w);
                    if (w < 0) Use(r, +1);
                }
                // A failing rule whose witness was not touched still fails.
            }
        }
    }

    /// <summary>Every rule evaluated on <see cref="_entry"/>, each up to its first failing condition (as <see cref="UsedBits.Evaluate"/>).</summary>
    void EvaluateWhole()
    {
        WholeEvaluations++;
        int cost = 0;
        for (int r = 0; r < _rules.Length; r++)
        {
            int w = FirstFailing(r);
            cost += Cost(r, w);
            bool held = _witness[r] < 0;
            _witness[r] = w;
            if (held != w < 0) Use(r, w < 0 ? +1 : -1);
        }
        _wholeCost = cost;
    }

    /// <summary>Makes <paramref name="w"/> (-1: none) rule <paramref name="r"/>'s witness, and <see cref="_wholeCost"/> follow.</summary>
    void Witness(int r, int w)
    {
        _wholeCost += Cost(r, w) - Cost(r, _witness[r]);
        _witness[r] = w;
    }

    /// <summary>Conditions of rule <paramref name="r"/> a whole evaluation evaluates when <paramref name="w"/> is its first failing one (-1: all).</summary>
    int Cost(int r, int w) => (w < 0 ? _index.RuleStart[r + 1] : w + 1) - _index.RuleStart[r];

    /// <summary>The first condition of rule <paramref name="r"/> that fails on <see cref="_entry"/>, or -1.</summary>
    int FirstFailing(int r)
    {
        for (int i = _index.RuleStart[r]; i < _index.RuleStart[r + 1]; i++)
            if (!Holds(i)) return i;
        return -1;
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
