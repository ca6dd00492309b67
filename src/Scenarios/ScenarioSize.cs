namespace TraceTools.Scenarios;

/// <summary>
/// How much running a scenario costs: the events it makes and the <c>repeat</c> iterations it runs (an
/// empty loop makes no event but still iterates). Both saturate at <see cref="long.MaxValue"/>.
/// </summary>
/// <param name="Events">Events the scenario generates.</param>
/// <param name="Iterations">Loop iterations, nested ones included.</param>
public readonly record struct ScenarioSize(long Events, long Iterations);
