namespace TraceTools.Replay.Findings;

/// <summary>The nine detector kinds of model.md §4.</summary>
public enum FindingKind : byte
{
    /// <summary>A device read data a cpu stored, without the store being ordered before the publish.</summary>
    StaleDmaRead,
    /// <summary>A cpu loaded data a device wrote, without a read barrier after the acquire.</summary>
    StaleCpuRead,
    /// <summary>A cpu and a device access the same data bytes unordered by hb, one writing.</summary>
    DmaRace,
    /// <summary>A fetch that observed present mixed two versions of the entry.</summary>
    TornEntryFetch,
    /// <summary>Fields rewritten after clearing present without a completed invalidation.</summary>
    MissingFlushAfterClear,
    /// <summary>Present set before a payload store is ordered before it.</summary>
    PresentBeforePayload,
    /// <summary>A live entry changed by several stores in one burst (warning).</summary>
    TornEntryUpdate,
    /// <summary>A noncoherent device read data still dirty in a cpu cache.</summary>
    MissingCacheClean,
    /// <summary>A cpu read noncoherent-DMA'd data through possibly stale cache lines.</summary>
    MissingCacheInvalidate,
}

/// <summary>How bad a finding is.</summary>
public enum Severity : byte
{
    /// <summary>May be benign; counted by <c>expect none</c>.</summary>
    Warning = 0,
    /// <summary>An ordering the code failed to guarantee.</summary>
    Error = 1,
}

/// <summary>Names and severities of <see cref="FindingKind"/> as reports and scenarios spell them.</summary>
public static class FindingKinds
{
    /// <summary>Every kind, in model.md order.</summary>
    public static readonly FindingKind[] All = Enum.GetValues<FindingKind>();

    static readonly string[] Names =
    [
        "stale-dma-read", "stale-cpu-read", "dma-race", "torn-entry-fetch", "missing-flush-after-clear",
        "present-before-payload", "torn-entry-update", "missing-cache-clean", "missing-cache-invalidate",
    ];

    /// <summary>Every report name, in <see cref="All"/> order.</summary>
    public static IReadOnlyList<string> AllNames => Names;

    /// <summary>The report name, e.g. <c>stale-dma-read</c>.</summary>
    public static string Name(this FindingKind kind) => Names[(int)kind];

    /// <summary>Severity per model.md §4: warning for torn-entry-update, error otherwise.</summary>
    public static Severity Severity(this FindingKind kind) =>
        kind == FindingKind.TornEntryUpdate ? Findings.Severity.Warning : Findings.Severity.Error;

    /// <summary>Parses a report name; false for anything else.</summary>
    public static bool TryParse(string name, out FindingKind kind)
    {
        int i = Array.IndexOf(Names, name);
        kind = (FindingKind)Math.Max(i, 0);
        return i >= 0;
    }
}
