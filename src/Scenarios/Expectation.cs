namespace TraceTools.Scenarios;

/// <summary>The four forms of an <c>expect</c> line.</summary>
public enum ExpectationKind
{
    /// <summary><c>expect K</c>: at least one finding of kind K.</summary>
    AtLeastOne,
    /// <summary><c>expect K count N</c>: exactly N instances of kind K.</summary>
    Exactly,
    /// <summary><c>expect no K</c>: no finding of kind K.</summary>
    NoneOf,
    /// <summary><c>expect none</c>: no findings at all, warnings included.</summary>
    NoneAtAll,
    /// <summary>
    /// <c>expect exactly</c>: every finding must be expected, i.e. of a kind an <c>expect K</c> or
    /// <c>expect K count N</c> line names (what <c>check --exact</c> does for every scenario).
    /// </summary>
    OnlyExpected,
}

/// <summary>One <c>expect</c> line of a scenario, kept for <c>check</c>.</summary>
/// <param name="Kind">Which form.</param>
/// <param name="FindingKind">The finding kind name (<c>stale-dma-read</c>), null for <see cref="ExpectationKind.NoneAtAll"/> and <see cref="ExpectationKind.OnlyExpected"/>.</param>
/// <param name="Count">The exact count for <see cref="ExpectationKind.Exactly"/>, 1 (the minimum) for
/// <see cref="ExpectationKind.AtLeastOne"/>, 0 otherwise.</param>
/// <param name="Line">1-based line of the <c>expect</c> keyword.</param>
/// <param name="Column">1-based column of the <c>expect</c> keyword.</param>
public sealed record Expectation(ExpectationKind Kind, string? FindingKind, long Count, int Line, int Column)
{
    /// <summary>The line as written in the scenario language (<c>expect stale-dma-read count 1</c>).</summary>
    public override string ToString() => Kind switch
    {
        ExpectationKind.AtLeastOne => $"expect {FindingKind}",
        ExpectationKind.Exactly => $"expect {FindingKind} count {Count}",
        ExpectationKind.NoneOf => $"expect no {FindingKind}",
        ExpectationKind.OnlyExpected => "expect exactly",
        _ => "expect none",
    };
}
