using System.Diagnostics;
using TraceTools.Importers.Internals;
using TraceTools.TraceFormat;

namespace TraceTools.Importers;

/// <summary>
/// <c>tracetools import</c>: reads the inputs line by line (streaming), merges them in timestamp order, maps
/// their addresses and agents onto the layout, and writes a trace (to a temporary file renamed on success,
/// so a failed import leaves nothing). Memory holds one line per input, the interned sites and locks, and
/// one output chunk; the merged events wait in a temporary spill file until the header can be written.
/// </summary>
public static class TraceImport
{
    /// <summary>Runs an import into the file <see cref="ImportOptions.Output"/> (temporary file renamed on success).</summary>
    /// <exception cref="BadInputException">A bad layout, a malformed or unmapped line (without the skip options), a bad symbols file.</exception>
    public static ImportSummary Run(ImportOptions options) =>
        Run(options, (metadata, produce) => TraceFile.Write(options.Output, metadata, options.Writer, produce));

    /// <summary>
    /// Runs an import and hands the trace to <paramref name="write"/> once every input has been read: the
    /// header, and a producer that replays the merged events into a sink. The CLI passes its <c>-o</c> target
    /// (devices and FIFOs written in place, temp-and-rename for regular files); the spill file goes to
    /// <see cref="ImportOptions.SpillDirectory"/>, by default beside <see cref="ImportOptions.Output"/>.
    /// </summary>
    /// <exception cref="BadInputException">As <see cref="Run(ImportOptions)"/>.</exception>
    public static ImportSummary Run(ImportOptions options, Action<TraceMetadata, Action<IEventSink>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var format = ImportFormats.Create(options.Format)
            ?? ImportThrow.Argument<ImportFormat>($"unknown import format '{options.Format}' (known: {string.Join(", ", ImportFormats.Names)})", nameof(options));
        var layout = LoadLayout(options.Layout);
        // Checked before the inputs are read, not after minutes of reading them.
        if (options.Symbols is { } symbols && !File.Exists(symbols))
            ImportThrow.File(symbols, Directory.Exists(symbols) ? "--symbols: it is a directory" : "--symbols: no such file");
        var run = new ImportRun(layout, options);
        string spillDir = options.SpillDirectory
            ?? (options.Output == "-" ? Path.GetTempPath() : Path.GetDirectoryName(Path.GetFullPath(options.Output))!);

        using var spill = new EventSpill(spillDir);
        long lines = Merge(format, run, spill);
        double readSeconds = clock.Elapsed.TotalSeconds;

        string?[]? symbolized = null;
        int symbolizedCount = 0;
        if (options.Symbols is { } elf) (symbolized, symbolizedCount) = Symbolizer.Resolve(elf, run.Sites);
        var (sites, remap) = run.Sites.Resolve(symbolized);

        var metadata = new TraceMetadata
        {
            Name = layout.Metadata.Name,
            Arch = layout.Metadata.Arch,
            Agents = layout.Metadata.Agents,
            Regions = layout.Metadata.Regions,
            CacheLineSize = layout.Metadata.CacheLineSize,
            Locks = [.. run.Locks],
            Sites = sites,
            MemoryValuesRecorded = !run.MemoryValuesNotRecorded,
        };
        // Symbolized sites are new text (file:line: longer, or merged), not what the site table counted as it read them.
        if (symbolized is not null && HeaderBudget.SizeProblem(TraceLimits.HeaderBytes(metadata), "the layout, locks and symbolized sites") is { } big)
            ImportThrow.File(options.Symbols!, big);
        // Counted before anything is written: the writer can refuse only the chunk past the format's cap.
        if (TraceLimits.ChunksProblem(spill.Count, options.Writer) is { } chunks)
            ImportThrow.File(string.Join(", ", options.Inputs), $"the inputs' {chunks}; nothing was written");
        write(metadata, sink => spill.CopyTo(sink, remap));
        return new ImportSummary
        {
            Lines = lines,
            Events = spill.Count,
            Sites = sites.Length,
            SymbolizedSites = symbolizedCount,
            Skipped = run.Skipped,
            FirstSkippedAt = run.FirstSkippedAt,
            Lost = run.Lost,
            Seconds = clock.Elapsed.TotalSeconds,
            ReadSeconds = readSeconds,
        };
    }

    static long Merge(ImportFormat format, ImportRun run, EventSpill spill)
    {
        var inputs = new List<InputCursor>();
        try
        {
            bool stdinUsed = false;
            for (int i = 0; i < run.Options.Inputs.Count; i++)
            {
                string file = run.Options.Inputs[i];
                if (file == "-" && stdinUsed) ImportThrow.File(file, "stdin given twice");
                stdinUsed |= file == "-";
                var stream = file == "-" ? Console.OpenStandardInput() : OpenInput(file);
                var sink = new ImportSink(run, file, i);
                var reader = new LineReader(stream, file);
                inputs.Add(new InputCursor(reader, format.Open(sink), sink));
            }
            if (format.MergesByTime) MergeByTime(inputs, spill);
            else foreach (var input in inputs) Drain(input, spill);
            return inputs.Sum(c => c.Lines);
        }
        finally
        {
            foreach (var c in inputs) c.Dispose();
        }
    }

    static ImportLayout LoadLayout(string path)
    {
        try
        {
            return ImportLayout.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ImportThrow.Unreadable(path, e);
            return null;
        }
    }

    static BlockingReadStream OpenInput(string file)
    {
        try
        {
            return new BlockingReadStream(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan), ownsInner: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ImportThrow.Unreadable(file, e);
            return null;
        }
    }

    static void Drain(InputCursor input, EventSpill spill)
    {
        var sink = input.Sink;
        while (input.Fill())
        {
            spill.Append(in sink.Head.Event, sink.HeadData);
            sink.Pop();
        }
    }

    /// <summary>k-way merge on each input's next event; ties go to the earlier input. k is small: a linear scan.</summary>
    static void MergeByTime(List<InputCursor> inputs, EventSpill spill)
    {
        if (inputs.Count == 1) { Drain(inputs[0], spill); return; }
        var live = inputs.Where(c => c.Fill()).ToList();
        while (live.Count > 0)
        {
            int best = 0;
            ulong bestTime = live[0].Sink.Head.Time;
            for (int i = 1; i < live.Count; i++)
            {
                ulong t = live[i].Sink.Head.Time;
                if (t < bestTime) { best = i; bestTime = t; }
            }
            var sink = live[best].Sink;
            spill.Append(in sink.Head.Event, sink.HeadData);
            sink.Pop();
            if (!live[best].Fill()) live.RemoveAt(best);
        }
    }
}
