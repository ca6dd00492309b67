namespace TraceTools.Detectors.Entries;

/// <summary>What <see cref="EntryStates{T}.WalkArmed"/> does to each armed state: true when it stays armed.</summary>
interface IArmedVisit<T> where T : struct
{
    /// <summary>Applies the invalidation to <paramref name="state"/>; true when it may still change on a later one.</summary>
    bool Visit(ref T state);
}
