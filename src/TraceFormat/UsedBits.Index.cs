namespace TraceTools.TraceFormat;

// The conditions of all rules in one array, and from each entry byte to the conditions that read it: what lets
// UsedOutcomes re-evaluate only the conditions a changed byte can flip.
public sealed partial class UsedBits
{
    ConditionIndex? _index;

    /// <summary>The conditions indexed by the bytes they read (built once, on first use; a race builds it twice, the same).</summary>
    internal ConditionIndex Index => _index ??= new ConditionIndex(_rules);

    /// <summary>
    /// Every condition of every rule, flat and in rule order (<see cref="Conditions"/>; rule r's are
    /// [<see cref="RuleStart"/>[r], [r + 1]), <see cref="RuleOf"/> the other way), and per entry byte the
    /// conditions whose field covers it: those of byte k are <see cref="ByByte"/>[<see cref="ByteStart"/>[k] ..
    /// <see cref="ByteStart"/>[k + 1]). A condition over several bytes is listed under each.
    /// </summary>
    internal sealed class ConditionIndex
    {
        public readonly UsedCondition[] Conditions;
        public readonly int[] RuleOf, RuleStart, ByteStart, ByByte;

        /// <summary>Bytes at or above this are read by no condition.</summary>
        public int Bytes => ByteStart.Length - 1;

        public ConditionIndex(UsedRule[] rules)
        {
            int count = 0, bytes = 0;
            foreach (var rule in rules)
                foreach (var c in rule.Conditions)
                {
                    count++;
                    bytes = Math.Max(bytes, (int)(c.Field.High >> 3) + 1);
                }
            Conditions = new UsedCondition[count];
            RuleOf = new int[count];
            RuleStart = new int[rules.Length + 1];
            ByteStart = new int[bytes + 1];
            int n = 0;
            for (int r = 0; r < rules.Length; r++)
            {
                RuleStart[r + 1] = RuleStart[r] + rules[r].Conditions.Length;
                foreach (var c in rules[r].Conditions)
                {
                    (Conditions[n], RuleOf[n]) = (c, r);
                    for (int k = (int)(c.Field.Low >> 3); k <= (int)(c.Field.High >> 3); k++) ByteStart[k + 1]++;
                    n++;
                }
            }
            for (int k = 0; k < bytes; k++) ByteStart[k + 1] += ByteStart[k];
            ByByte = new int[ByteStart[bytes]];
            var next = ByteStart[..bytes];
            for (int i = 0; i < count; i++)
                for (int k = (int)(Conditions[i].Field.Low >> 3); k <= (int)(Conditions[i].Field.High >> 3); k++) ByByte[next[k]++] = i;
        }
    }
}
