namespace TraceTools.TraceFormat;

// The bytes the conditions read: with the bytes a store writes and the present byte, all that whether it changes
// used bits depends on (UsedOutcomes.ChangesUsed); reading the whole entry before and after cost E a store.
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
}
