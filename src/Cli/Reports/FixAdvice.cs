using TraceTools.Replay;
using TraceTools.Replay.Findings;

namespace TraceTools.Cli.Reports;

/// <summary>Who observes the order a fix must give: another cpu (a hand-off), a device, or not known.</summary>
public enum FixObserver
{
    /// <summary>Not known (no replay state at hand): the help names the barrier that reaches devices, which also reaches cpus.</summary>
    Unknown,
    /// <summary>Another cpu: <c>smp_wmb</c> / <c>smp_store_release</c>, <c>smp_rmb</c> / <c>smp_load_acquire</c> suffice.</summary>
    Cpu,
    /// <summary>A device: <c>dma_wmb</c>, <c>dma_rmb</c>.</summary>
    Device,
}

/// <summary>
/// What the <c>help:</c> lines of one report know beyond a single finding (docs/model.md §10): the observer
/// of a hand-off's first hop, from the replay's hb path, so the help names the barrier for that observer; and
/// the <c>present-before-payload</c> findings by payload store, so that a missing barrier causing several
/// findings at one site (a payload field in the present word, as in stmmac's des2/des3) gets one fix in all of them.
/// </summary>
public sealed class FixAdvice
{
    readonly ReportInput _input;
    // Positions in the report's findings, not the findings: a finding of the engine's store is made when asked for.
    readonly Dictionary<long, int> _presentTooEarly = [];
    readonly Dictionary<(long Store, long Read), int> _dirty = [];

    /// <summary>Collects what the findings of <paramref name="input"/> share.</summary>
    public FixAdvice(ReportInput input)
    {
        _input = input;
        var findings = input.Findings;
        for (int i = 0; i < findings.Count; i++)
        {
            var kind = FindingFields.KindAt(findings, i);
            if (kind is not (FindingKind.MissingCacheClean or FindingKind.PresentBeforePayload)) continue;
            var f = findings[i];
            if (kind == FindingKind.MissingCacheClean && f.RelatedIndex(RelatedRole.Store) is >= 0 and var store)
                _dirty.TryAdd((store, f.Trigger), i);
            if (kind != FindingKind.PresentBeforePayload) continue;
            long payload = f.RelatedIndex(RelatedRole.Payload);
            if (payload >= 0) _presentTooEarly.TryAdd(payload, i);
        }
    }

    /// <summary>True when this advice was built for <paramref name="input"/> (not for the record it was copied from).</summary>
    public bool IsFor(ReportInput input) => ReferenceEquals(_input, input);

    /// <summary>
    /// The <c>present-before-payload</c> finding whose payload is <paramref name="store"/>, if any: a store that
    /// published data and is itself a payload store made present too early is fixed where that finding says.
    /// </summary>
    public Finding? PresentTooEarlyWith(long store) => _presentTooEarly.TryGetValue(store, out int at) ? _input.Findings[at] : null;

    /// <summary>
    /// The <c>missing-cache-clean</c> finding of the device's read <paramref name="read"/> of <paramref name="store"/>'s
    /// bytes, if any: a noncoherent device's read of a store that is neither ordered before the doorbell nor cleaned
    /// is fixed by the clean and the completion barrier before the doorbell, which orders the store too (wmb / dsb st
    /// holds w), where the stale-dma-read alone would name dma_wmb and leave the dirty lines.
    /// </summary>
    public Finding? DirtyAt(long store, long read) => _dirty.TryGetValue((store, read), out int at) ? _input.Findings[at] : null;

    /// <summary>
    /// The agent the release <paramref name="publish"/> of <paramref name="cpu"/> first hands to, on its way to event
    /// <paramref name="to"/> of <paramref name="toAgent"/>. Kept per instance, as a report may ask more than once
    /// (SARIF): not per publish, since one publish may reach a cpu first on the way to one reader and a device
    /// directly on the way to another.
    /// </summary>
    public FixObserver FirstHop(int cpu, long publish, int toAgent, long to)
    {
        if (_input.HbPath is not { } paths || publish < 0) return FixObserver.Unknown;
        if (_firstHops.TryGetValue((publish, to), out var known)) return known;
        var hops = paths(cpu, publish, toAgent, to);
        var observer = hops.Count == 0 || hops[0].ReleaseIndex != publish ? FixObserver.Unknown : Observer(hops[0].ToAgent);
        _firstHops[(publish, to)] = observer;
        return observer;
    }

    readonly Dictionary<(long Publish, long To), FixObserver> _firstHops = [];

    /// <summary>
    /// The release of <paramref name="cpu"/> at or after <paramref name="from"/> where the hb path the replay logged to
    /// event <paramref name="to"/> of <paramref name="toAgent"/> leaves the cpu (the doorbell, or the flag that hands
    /// the buffer on), or -1 when none is known.
    /// </summary>
    public long FirstRelease(int cpu, long from, int toAgent, long to) =>
        _input.HbPath is { } paths && from >= 0 && paths(cpu, from, toAgent, to) is [var first, ..] ? first.ReleaseIndex : -1;

    /// <summary>
    /// Whether the replay logged an hb path from event <paramref name="from"/> of <paramref name="cpu"/> to event
    /// <paramref name="to"/> of <paramref name="toAgent"/>: false when it saw none (no hand-off between them, or, on
    /// long traces, one whose edges the log no longer keeps), null without replay state.
    /// </summary>
    public bool? HandsOff(int cpu, long from, int toAgent, long to) =>
        _input.HbPath is { } paths && from >= 0 ? paths(cpu, from, toAgent, to).Count > 0 : null;

    /// <summary>
    /// Who released what the acquire <paramref name="acquire"/> of <paramref name="cpu"/> read: a cpu when the replay
    /// logged a cpu's edge landing on it, else a device (edges out of devices are not logged; the device barrier
    /// is also the safe advice when the log dropped the edge).
    /// </summary>
    public FixObserver Releaser(int cpu, long acquire)
    {
        if (_input.HopInto is not { } hopInto || acquire < 0) return FixObserver.Unknown;
        return hopInto(cpu, acquire) is not null ? FixObserver.Cpu : FixObserver.Device;
    }

    FixObserver Observer(int agent) => _input.Metadata.Agents[agent].IsCpu ? FixObserver.Cpu : FixObserver.Device;
}
