namespace TraceTools.Replay;

/// <summary>
/// One hop of a happens-before path between agents (<see cref="ReplayEngine.HbPath"/>): a release of
/// <paramref name="FromAgent"/> that <paramref name="ToAgent"/> acquired.
/// </summary>
/// <param name="FromAgent">The releasing cpu.</param>
/// <param name="ReleaseIndex">Trace index of the release (the store of a flag, the doorbell, the unlock).</param>
/// <param name="ToAgent">The acquiring agent.</param>
/// <param name="ReceiveIndex">Trace index of the acquiring event, or -1 when the edge lands on the agent's next event (a doorbell).</param>
public readonly record struct HbHop(int FromAgent, long ReleaseIndex, int ToAgent, long ReceiveIndex);
