namespace TraceTools.Cli.Exporting;

/// <summary>The events an export writes: trace indices <see cref="From"/> up to (not including) <see cref="End"/>.</summary>
/// <param name="From">First index written.</param>
/// <param name="End">One past the last index written (<see cref="long.MaxValue"/>: to the trace's end).</param>
public readonly record struct ExportWindow(long From, long End)
{
    /// <summary>The whole trace.</summary>
    public static ExportWindow All => new(0, long.MaxValue);

    /// <summary><paramref name="count"/> events from <paramref name="from"/> (saturating).</summary>
    public static ExportWindow Of(long from, long count) => new(from, count > long.MaxValue - from ? long.MaxValue : from + count);

    /// <summary><paramref name="count"/> events centred on <paramref name="index"/> (clipped at 0).</summary>
    public static ExportWindow Around(long index, long count) => Of(Math.Max(0, index - count / 2), count);

    /// <summary>True when event <paramref name="index"/> is written.</summary>
    public bool Contains(long index) => index >= From && index < End;
}

/// <summary>What an export wrote.</summary>
/// <param name="Events">Event slices written.</param>
/// <param name="Flows">hb flow arrows written.</param>
/// <param name="Findings">Findings written (trigger inside the window).</param>
/// <param name="EdgesCut">hb edges with one end outside the window, left out.</param>
/// <param name="Truncated">True when the trace had no footer (only its complete chunks were read).</param>
public readonly record struct ExportSummary(long Events, long Flows, long Findings, long EdgesCut, bool Truncated);
