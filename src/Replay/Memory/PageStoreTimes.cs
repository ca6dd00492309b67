namespace TraceTools.Replay.Memory;

/// <summary>
/// One cpu's live store times on one shadow page as last scanned (<see cref="Shadow.AddLiveStoreTimes"/>): the times
/// found (in cell order, a time repeated on consecutive cells once) and the trace index of the event during which the
/// scan ran. The scans of other cpus of the same page are chained (few cpus store to one page). A single time, the
/// usual case (a page whose words one store wrote last), is kept without an array.
/// </summary>
sealed class PageStoreTimes(int cpu, PageStoreTimes? next)
{
    /// <summary>The cpu whose stores were scanned.</summary>
    public readonly int Cpu = cpu;
    /// <summary>Another cpu's scan of the same page, or null.</summary>
    public readonly PageStoreTimes? Next = next;
    /// <summary>The trace index of the event during which the page was scanned: every store before it was seen.</summary>
    uint _at;
    int _count;
    uint _only;
    uint[]? _times;

    /// <summary>
    /// Adds the times of the last scan and returns true when the page's latest store (<paramref name="latest"/>, a local
    /// time: trace index + 1) is no later than that scan saw; false (nothing added) otherwise.
    /// </summary>
    public bool TryAdd(uint latest, List<uint> times)
    {
        if (latest > _at) return false;
        if (_count == 1) times.Add(_only);
        else if (_count > 1) times.AddRange(_times.AsSpan(0, _count));
        return true;
    }

    /// <summary>Keeps <paramref name="times"/>, scanned during the event at trace index <paramref name="at"/>.</summary>
    public void Keep(uint at, ReadOnlySpan<uint> times)
    {
        _at = at;
        _count = times.Length;
        if (times.Length == 1) _only = times[0];
        else if (times.Length > 1)
        {
            // The array is reused while it fits: a page stored to between most compactions is scanned each time.
            if (_times is null || _times.Length < times.Length) _times = new uint[times.Length];
            times.CopyTo(_times);
        }
    }
}
