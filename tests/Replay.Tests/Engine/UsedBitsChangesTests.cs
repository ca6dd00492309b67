using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// <see cref="UsedOutcomes.ChangesUsed"/>, which the engine asks for each store to a used-bits table
/// (<c>EntryStore.ChangedUsed</c>) with only the present byte, the conditions' bytes and the stored bytes filled in,
/// one <see cref="UsedOutcomes"/> per table following the stores (and, now and then, another entry's value), against
/// the whole-entry evaluation it replaced (kept here as a twin): both entries evaluated whole, the masks intersected
/// with the bits that differ. Random rules (conditions on the configuration field and on fields of later
/// bytes, up to 64 bits wide), entries of up to 1 KiB, stores of every size anywhere, same-value and present-bit ones.
/// </summary>
[TestClass]
public sealed class UsedBitsChangesTests
{
    /// <summary>The engine's ChangesUsedBits before: Used(before) ∪ Used(after) over the whole entry, against the bits that differ.</summary>
    static bool WholeEntryTwin(UsedBits used, byte[] before, byte[] after, uint presentBit)
    {
        var ub = new byte[before.Length];
        var ua = new byte[before.Length];
        used.Evaluate(before, presentBit, ub);
        used.Evaluate(after, presentBit, ua);
        for (int k = 0; k < before.Length; k++)
            if (((before[k] ^ after[k]) & (ub[k] | ua[k])) != 0) return true;
        return false;
    }

    static UsedBits RandomRules(Random rng, int entry)
    {
        uint bits = 8u * (uint)entry;
        var cfg = new EntryBits(8, 9);
        var rules = new List<UsedRule> { new([cfg], []) };
        for (int i = rng.Next(1, 6); i > 0; i--)
        {
            var when = new List<UsedCondition> { new(cfg, 3, (ulong)rng.Next(4)) };
            if (rng.Next(3) == 0)
            {
                // A field elsewhere: one bit, or up to 64 bits across bytes.
                uint width = rng.Next(2) == 0 ? 1u : (uint)rng.Next(2, 65);
                width = Math.Min(width, bits - 17);
                uint low = (uint)rng.Next(16, (int)(bits - width));
                ulong mask = width == 64 ? ulong.MaxValue : (1UL << (int)width) - 1;
                if (rng.Next(2) == 0) mask &= (ulong)rng.NextInt64();
                when.Add(new UsedCondition(new EntryBits(low, low + width - 1), mask, (ulong)rng.NextInt64() & mask & (rng.Next(2) == 0 ? 0UL : ulong.MaxValue)));
            }
            var runs = RandomUsedRuns.Draw(rng, bits);
            rules.Add(new UsedRule(runs, when));
        }
        return new UsedBits(rules);
    }

    [TestMethod]
    public void ChangesUsed_FromTheBytesTheRulesRead_AnswersAsTheWholeEntry()
    {
        var rng = new Random(4122026);
        int yes = 0, no = 0, changedUnused = 0;
        int[] entries = [8, 16, 24, 64, 72, 128, 1024];
        for (int c = 0; c < 600; c++)
        {
            int e = entries[rng.Next(entries.Length)];
            uint presentBit = rng.Next(3) switch { 0 => 0u, 1 => 5u, _ => 63u };
            var used = RandomRules(rng, e);
            var memory = new byte[e];
            if (rng.Next(2) == 0) rng.NextBytes(memory);
            var outcomes = new UsedOutcomes(used, e, presentBit);
            var jumps = new Random(c); // its own draws: the rules, sizes and places stay those drawn before UsedOutcomes
            for (int s = 0; s < 40; s++)
            {
                // A store to another entry of the table: the outcomes were last given other bytes.
                if (jumps.Next(8) == 0) jumps.NextBytes(memory);
                var before = (byte[])memory.Clone();
                int size = Math.Min(e, rng.Next(5) switch { 0 => 1, 1 => 2, 2 => 4, 3 => 8, _ => rng.Next(1, e + 1) });
                int at = rng.Next(3) == 0 ? 0 : rng.Next(e - size + 1);
                switch (rng.Next(5))
                {
                    case 0: break; // the same value
                    case 1: memory[at + rng.Next(size)] ^= (byte)(1 << rng.Next(8)); break;
                    case 2: // present and a configuration
                        if (presentBit / 8 >= at && presentBit / 8 < at + size) memory[presentBit / 8] |= (byte)(1 << (int)(presentBit % 8));
                        if (at <= 1 && at + size > 1) memory[1] = (byte)((memory[1] & ~3) | rng.Next(4));
                        break;
                    default: rng.NextBytes(memory.AsSpan(at, size)); break;
                }
                bool expected = WholeEntryTwin(used, before, memory, presentBit);
                // As the engine fills them: garbage except the present byte, the conditions' bytes and the bytes stored.
                var b = new byte[e];
                var a = new byte[e];
                rng.NextBytes(b);
                rng.NextBytes(a);
                int p = (int)(presentBit / 8);
                (b[p], a[p]) = (before[p], before[p]);
                foreach (int k in used.ConditionBytes) (b[k], a[k]) = (before[k], before[k]);
                before.AsSpan(at, size).CopyTo(b.AsSpan(at));
                memory.AsSpan(at, size).CopyTo(a.AsSpan(at));
                bool actual = outcomes.ChangesUsed(b, a, at, size);
                Assert.AreEqual(expected, actual, $"case {c} store {s}: {size} bytes at {at} of {e}");
                if (expected) yes++;
                else if (!before.AsSpan().SequenceEqual(memory)) changedUnused++;
                else no++;
            }
        }
        Assert.IsGreaterThan(2000, yes, "stores that change used bits");
        Assert.IsGreaterThan(2000, changedUnused, "stores that change only unused bits");
        Assert.IsGreaterThan(500, no, "same-value stores");
    }
}
