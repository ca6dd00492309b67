namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// Which bytes of a table entry a short access covers (<see cref="DataRuns.InEntry"/>): most table accesses
/// are one 8-byte word, the entry's present word (sync bytes: no data byte at all) or a payload word (data
/// bytes only, one run), which need no run walk.
/// </summary>
enum EntryBytes
{
    /// <summary>Payload bytes only, inside one entry: the whole access is one run of data bytes.</summary>
    Payload,
    /// <summary>Present-word bytes only: no data byte.</summary>
    PresentWord,
    /// <summary>Both, several entries, or an entry size that is not a power of two: walk the runs.</summary>
    Mixed,
}
