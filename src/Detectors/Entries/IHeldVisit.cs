namespace TraceTools.Detectors.Entries;

/// <summary>
/// What <see cref="EntryStates{T}.WalkHolding"/> does to each state marked as holding stores: adds the held stores the
/// walk asks for, true when it still holds any (of any cpu).
/// </summary>
interface IHeldVisit<T> : IEntryVisit<T> where T : struct;
