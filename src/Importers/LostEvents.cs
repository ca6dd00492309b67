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
    /// <summary>
    /// For a cpu the layout does not declare: <c>FILE:LINE:COLUMN: cpu 3 is not in the layout: …; declare 4 or more …</c>,
    /// at its first marker (null for a declared cpu, or none): its events are refused, so the layout likely lacks it.
    /// </summary>
    public string? NotInLayout { get; init; }

    /// <summary>One line for the summary: <c>trace.txt: cpu 0: 42 events lost</c>.</summary>
    public string Describe()
    {
        string where = Cpu >= 0 ? $"{File}: cpu {Cpu}: " : $"{File}: ";
        string count = Uncounted == 0 ? $"{Count(Events)} {How}"
            : Events == 0 ? $"events {How} ({Uncounted} marker{(Uncounted == 1 ? "" : "s")} without a count)"
            : $"{Count(Events)} {How}, and more ({Uncounted} marker{(Uncounted == 1 ? "" : "s")} without a count)";
        return where + count;
    }

    /// <summary><c>1 event</c>, <c>42 events</c>; a sum that reached <see cref="long.MaxValue"/> stopped there: <c>at least …</c>.</summary>
    public static string Count(long events) =>
        (events == long.MaxValue ? "at least " : "") + events.ToString(System.Globalization.CultureInfo.InvariantCulture) + (events == 1 ? " event" : " events");

    /// <summary>
    /// <paramref name="a"/> + <paramref name="b"/> (both non-negative), stopping at <see cref="long.MaxValue"/>: markers
    /// are input, and counts past 2^63 summed must not wrap to a negative count or throw after the trace is written.
    /// </summary>
    public static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
