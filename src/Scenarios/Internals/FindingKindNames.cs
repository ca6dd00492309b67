namespace TraceTools.Scenarios.Internals;

/// <summary>
/// The nine detector kinds of model.md §4, as <c>expect</c> lines spell them. Kept here (not taken from
/// TraceTools.Replay) so that the scenario compiler does not depend on the replay.
/// </summary>
static class FindingKindNames
{
    public static readonly string[] All =
    [
        "stale-dma-read", "stale-cpu-read", "dma-race", "torn-entry-fetch", "missing-flush-after-clear",
        "present-before-payload", "torn-entry-update", "missing-cache-clean", "missing-cache-invalidate",
    ];
}
