using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The literal reference's findings on <see cref="TraceGenerator"/>'s trace of each seed, computed once per test
/// process. The reference is nearly all of a differential row's time (about 49 ms a trace against 1.7 ms for the
/// engine, Debug), and its findings depend on the seed alone; so the differential's five rows, the far-index
/// test's five and the generator's coverage tests share them instead of each running it again. Seeds past
/// <see cref="Seeds"/> are computed on each call.
/// </summary>
static class GeneratedReference
{
    /// <summary>The seeds kept: the most any test walks.</summary>
    public const int Seeds = 3000;

    // One Lazy per seed (thread-safe by default): rows running in parallel wait for one computation of a seed.
    static readonly Lazy<Finding[]>[] Kept =
        [.. Enumerable.Range(0, Seeds).Select(seed => new Lazy<Finding[]>(() => [.. ReferenceModel.Run(TraceGenerator.Generate(seed))]))];

    /// <summary>
    /// <see cref="ReferenceModel.Run"/> of <see cref="TraceGenerator.Generate"/>(<paramref name="seed"/>) under the
    /// literal readings, in its order. Shared between callers: read it, never change it.
    /// </summary>
    public static IReadOnlyList<Finding> Of(int seed) =>
        (uint)seed < Seeds ? Kept[seed].Value : ReferenceModel.Run(TraceGenerator.Generate(seed));
}
