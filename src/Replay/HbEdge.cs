namespace TraceTools.Replay;

/// <summary>
/// An hb edge the replay took between two agents (model.md §2), while replaying event <see cref="At"/>:
/// the release event <see cref="From"/> of <see cref="FromAgent"/> is ordered before event <see cref="At"/>
/// of <see cref="ToAgent"/>, or, when <see cref="ToNextEvent"/>, before the first event of
/// <see cref="ToAgent"/> after <see cref="At"/> (a doorbell, both directions of dev_invalidate: model.md
/// §7.17). Program order (an agent to itself) is not reported.
/// </summary>
/// <param name="From">Trace index of the releasing event (for a device's state: its latest event).</param>
/// <param name="FromAgent">The releasing agent.</param>
/// <param name="At">Trace index of the event being replayed when the edge was taken.</param>
/// <param name="ToAgent">The acquiring agent.</param>
/// <param name="ToNextEvent">True when the edge lands on <see cref="ToAgent"/>'s next event, not on <see cref="At"/>.</param>
public readonly record struct HbEdge(long From, int FromAgent, long At, int ToAgent, bool ToNextEvent);
