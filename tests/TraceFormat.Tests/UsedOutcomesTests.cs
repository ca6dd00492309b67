using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// <see cref="UsedOutcomes"/> (conditions re-evaluated only at the bytes that changed) against the whole evaluation it
/// replaced in the engine and torn-entry-fetch, kept here as the twin: <see cref="UsedBits.Evaluate"/> of the same
/// bytes. Random rule sets (conditions crowding a few bytes or spread, fields across bytes and up to 64 bits, on the
/// present byte too, rules without conditions, runs overlapping and covering the present bit), random entries, then
/// stores of every size (one bit, a byte, a qword, the whole entry) and jumps to another entry's value.
/// </summary>
[TestClass]
public sealed class UsedOutcomesTests
{
    static UsedBits RandomRules(Random rng, int entry)
    {
        uint bits = 8u * (uint)entry;
        // Few distinct fields, so that conditions share bytes and rules flip together; the values are small so they hold often.
        var fields = new List<EntryBits>();
        for (int f = rng.Next(1, 8); f > 0; f--)
        {
            uint width = rng.Next(3) switch { 0 => 1u, 1 => (uint)rng.Next(2, 9), _ => (uint)rng.Next(2, 65) };
            width = Math.Min(width, bits);
            uint low = rng.Next(4) == 0 ? 0 : (uint)rng.Next((int)(bits - width + 1));
            fields.Add(new EntryBits(low, low + width - 1));
        }
        var rules = new List<UsedRule>();
        for (int i = rng.Next(0, 40); i >= 0; i--)
        {
            var when = new List<UsedCondition>();
            for (int c = rng.Next(5) == 0 ? 0 : rng.Next(1, 6); c > 0; c--)
            {
                var f = fields[rng.Next(fields.Count)];
                ulong all = f.Width == 64 ? ulong.MaxValue : (1UL << (int)f.Width) - 1;
                ulong mask = rng.Next(2) == 0 ? all : all & (rng.Next(2) == 0 ? 0x3UL : (ulong)rng.NextInt64());
                ulong value = mask & (ulong)rng.Next(4);
                when.Add(new UsedCondition(f, mask, value));
            }
            var runs = RandomUsedRuns.Draw(rng, bits);
            rules.Add(new UsedRule(runs, when));
        }
        return new UsedBits(rules);
    }

    /// <summary>A value the rules' conditions are likely to meet or just miss: zeros with small numbers in it.</summary>
    static void SmallValues(Random rng, Span<byte> into)
    {
        for (int k = 0; k < into.Length; k++) into[k] = rng.Next(3) == 0 ? (byte)rng.Next(4) : rng.Next(4) == 0 ? (byte)rng.Next(256) : (byte)0;
    }

    [TestMethod]
    public void Update_RandomRulesEntriesAndStores_UsedAsTheWholeEvaluation()
    {
        var rng = new Random(7122026);
        int[] entries = [1, 8, 16, 24, 64, 72, 256];
        int flipsSeen = 0, presentChanges = 0, checks = 0, whole = 0;
        for (int c = 0; c < 400; c++)
        {
            int e = entries[rng.Next(entries.Length)];
            uint presentBit = (uint)rng.Next(8 * e);
            var used = RandomRules(rng, e);
            var outcomes = new UsedOutcomes(used, e, presentBit);
            var entry = new byte[e];
            var expected = new byte[e];
            var previous = new byte[e];
            if (rng.Next(2) == 0) SmallValues(rng, entry);
            outcomes.Update(entry);
            for (int s = 0; s < 60; s++)
            {
                entry.CopyTo(previous, 0);
                int size = Math.Min(e, rng.Next(5) switch { 0 => 1, 1 => 2, 2 => 8, 3 => e, _ => rng.Next(1, e + 1) });
                int at = rng.Next(e - size + 1);
                bool jump = rng.Next(6) == 0;
                if (jump) SmallValues(rng, entry); // another entry of the table, or writes the outcomes did not see
                else switch (rng.Next(4))
                {
                    case 0: entry[at + rng.Next(size)] ^= (byte)(1 << rng.Next(8)); break;
                    case 1: entry[presentBit / 8] ^= (byte)(1 << (int)(presentBit % 8)); at = (int)presentBit / 8; size = 1; break;
                    case 2: rng.NextBytes(entry.AsSpan(at, size)); break;
                    default: SmallValues(rng, entry.AsSpan(at, size)); break;
                }
                int wholeBefore = outcomes.WholeEvaluations;
                if (jump) outcomes.Update(entry);
                else outcomes.Update(entry, at, size);
                whole += outcomes.WholeEvaluations - wholeBefore;
                used.Evaluate(entry, presentBit, expected);
                CollectionAssert.AreEqual(expected, outcomes.Used.ToArray(), $"case {c} step {s}: {(jump ? "jump" : $"{size} bytes at {at}")} of {e}");
                Assert.AreEqual(((entry[presentBit / 8] >> (int)(presentBit % 8)) & 1) != 0, outcomes.Present);
                checks++;
                var before = new byte[e];
                used.Evaluate(previous, presentBit, before);
                if (!before.AsSpan().SequenceEqual(expected))
                {
                    flipsSeen++;
                    if (((previous[presentBit / 8] ^ entry[presentBit / 8]) >> (int)(presentBit % 8) & 1) != 0) presentChanges++;
                }
            }
        }
        Assert.IsGreaterThan(3000, flipsSeen, "steps whose used bits change");
        Assert.IsGreaterThan(300, presentChanges, "steps that change the present bit");
        Assert.IsGreaterThan(flipsSeen + 3000, checks, "steps whose used bits stay");
        Assert.IsGreaterThan(2000, whole, "steps evaluated whole");
        Assert.IsGreaterThan(whole + 5000, checks, "steps evaluated by the conditions touched");
    }

    /// <summary>R rules of C conditions each, condition i of rule r on byte 1 + (r·C + i) mod (E − 1), bits 6:0 = 0; each uses bit 1.</summary>
    static UsedBits Spread(int rules, int conditions, int entry) =>
        new([.. Enumerable.Range(0, rules).Select(r => new UsedRule([new EntryBits(1, 1)],
            [.. Enumerable.Range(0, conditions).Select(i => { uint k = (uint)(1 + (r * conditions + i) % (entry - 1)); return new UsedCondition(new EntryBits(8 * k, 8 * k + 7), 0x7f, 0); })]))]);

    [TestMethod]
    public void Update_OneByteOfConditionsThatAllHold_EvaluatesTheConditionsTouched()
    {
        // The probe's shape (bench/probes/used-bits-stores.py): every rule holds, a store toggles bit 7 of one byte.
        var used = Spread(64, 32, 64);
        var outcomes = new UsedOutcomes(used, 64, 0);
        var entry = new byte[64];
        entry[0] = 1;
        outcomes.Update(entry, 0, 1);
        var expected = new byte[64];
        for (int s = 0; s < 200; s++)
        {
            int k = 1 + s % 63;
            entry[k] ^= (byte)(s % 5 == 0 ? 0x01 : 0x80); // now and then a condition fails, or holds again
            outcomes.Update(entry, k, 1);
            used.Evaluate(entry, 0, expected);
            CollectionAssert.AreEqual(expected, outcomes.Used.ToArray(), $"store {s}");
        }
        Assert.AreEqual(1, outcomes.WholeEvaluations, "only the first, on the all-zero entry");
    }

    [TestMethod]
    public void Update_TwoEntriesOnWhichEveryRuleFailsAtOnce_EvaluatesWhole()
    {
        // Every condition byte differs between the two, every rule fails at its first condition on both: visiting the
        // touched conditions would be every condition, the whole evaluation one a rule.
        var used = Spread(64, 32, 64);
        var outcomes = new UsedOutcomes(used, 64, 0);
        byte[] a = [.. Enumerable.Repeat((byte)1, 64)], b = [.. Enumerable.Repeat((byte)2, 64)];
        b[0] = 1;
        outcomes.Update(a); // from the all-zero entry, on which every rule holds: as dear either way
        var expected = new byte[64];
        for (int s = 0; s < 20; s++)
        {
            var entry = s % 2 == 0 ? b : a;
            int before = outcomes.WholeEvaluations;
            outcomes.Update(entry);
            Assert.AreEqual(before + 1, outcomes.WholeEvaluations, $"update {s}");
            used.Evaluate(entry, 0, expected);
            CollectionAssert.AreEqual(expected, outcomes.Used.ToArray(), $"update {s}");
        }
    }

    [TestMethod]
    public void UsesAChange_AStoreOfUsedAndOfUnusedBits_AsTheMask()
    {
        // One rule: bits 15:8 used when bits 7:4 = 1; present bit 0.
        var used = new UsedBits([new UsedRule([new EntryBits(8, 15)], [new UsedCondition(new EntryBits(4, 7), 0xf, 1)])]);
        var outcomes = new UsedOutcomes(used, 4, 0);
        byte[] entry = [0x11, 0, 0, 0];
        outcomes.Update(entry);
        byte[] after = [0x11, 0x80, 0x80, 0];
        Assert.IsTrue(outcomes.UsesAChange(entry, after, 1, 1));
        Assert.IsFalse(outcomes.UsesAChange(entry, after, 2, 1));
        outcomes.Update([0x21, 0, 0, 0], 0, 1);
        Assert.IsFalse(outcomes.UsesAChange(entry, after, 1, 1), "the rule no longer holds");
        outcomes.Update([0x10, 0, 0, 0], 0, 1);
        Assert.IsFalse(outcomes.Present);
        Assert.IsFalse(outcomes.UsesAChange(entry, after, 1, 1), "not present: only the present bit is used");
        Assert.IsTrue(outcomes.UsesAChange([0x10, 0, 0, 0], [0x11, 0, 0, 0], 0, 1));
    }
}
