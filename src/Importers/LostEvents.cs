namespace TraceTools.Importers;

/// <summary>
/// Events a capture lost before the import saw them, as its markers say (a ring buffer that filled or was
/// overwritten while recording), summed per input, cpu and kind of marker.
/// </summary>
/// <param name="File">The input the markers are in.</param>
/// <param name="Cpu">The trace's cpu number the markers name, or -1 when they name none.</param>
/// <param name="How">What happened to the events, as the marker says (<c>lost</c>, <c>overwritten</c>).</param>
/// <param name="Events">Events lost, over the markers that give a count.</param>
/// <param name="Uncounted">Markers that say events were lost without saying how many.</param>
public sealed record LostEvents(string File, int Cpu, string How, long Events, long Uncounted)
{
    /// <summary>One line for the summary: <c>trace.txt: cpu 0: 42 events lost</c>.</summary>
    public string Describe()
    {
        string where = Cpu >= 0 ? $"{File}: cpu {Cpu}: " : $"{File}: ";
        string count = Uncounted == 0 ? $"{Events} events {How}"
            : Events == 0 ? $"events {How} ({Uncounted} marker{(Uncounted == 1 ? "" : "s")} without a count)"
            : $"{Events} events {How}, and more ({Uncounted} marker{(Uncounted == 1 ? "" : "s")} without a count)";
        return where + count;
    }
}
