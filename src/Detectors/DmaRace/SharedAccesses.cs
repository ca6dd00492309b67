using TraceTools.Replay.Detection;

namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// The escalated form of a page's access columns, for dma-race's "every earlier access" (model.md §7.16):
/// per column and per agent, that agent's latest access of each byte. Within one agent the latest access
/// dominates the earlier ones (po orders them), so these sets are exact where one last access per side is
/// not. A page escalates a column only when an access of one side is not hb-after the previous one of the
/// same side; until then the page's own <see cref="RaceWords"/> are exact, and nothing here is allocated.
/// </summary>
sealed class SharedAccesses
{
    /// <summary>[column][agent]: local time per byte (0 = none; the trace index is time − 1), allocated on the agent's first access.</summary>
    readonly uint[]?[][] _times;
    readonly bool[] _escalated = new bool[4];

    public SharedAccesses(int agents)
    {
        _times = new uint[]?[4][];
        for (int c = 0; c < 4; c++) _times[c] = new uint[]?[agents];
    }

    /// <summary>True when <paramref name="column"/> keeps per-agent epochs on this page.</summary>
    public bool IsEscalated(AccessColumn column) => _escalated[(int)column];

    /// <summary>Marks the column escalated; the caller seeds it from the page's <see cref="RaceWords"/>.</summary>
    public void Escalate(AccessColumn column) => _escalated[(int)column] = true;

    /// <summary>Times of <paramref name="agent"/>'s latest access per byte, or null when it has none on this page.</summary>
    public uint[]? TimesOf(AccessColumn column, int agent) => _times[(int)column][agent];

    /// <summary>Records <paramref name="agent"/>'s access at <paramref name="time"/> of bytes [offset, offset + length).</summary>
    public void Record(AccessColumn column, int agent, int offset, int length, uint time)
    {
        var times = _times[(int)column][agent] ??= new uint[AccessRun.PageSize];
        times.AsSpan(offset, length).Fill(time);
    }
}
