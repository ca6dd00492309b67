namespace TraceTools.Detectors.Entries;

/// <summary>What a walk over marked entry states does to each: true when the state stays marked.</summary>
interface IEntryVisit<T> where T : struct
{
    /// <summary>Visits <paramref name="state"/>; true when it stays marked (the walk's kind says what the mark means).</summary>
    bool Visit(ref T state);
}

/// <summary>
/// What <see cref="EntryStates{T}.WalkArmed"/> does to each armed state: applies the invalidation, true when the state
/// may still change on a later one.
/// </summary>
interface IArmedVisit<T> : IEntryVisit<T> where T : struct;
