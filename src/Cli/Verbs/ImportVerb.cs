using TraceTools.Cli.Files;
using TraceTools.Importers;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary><c>tracetools import FORMAT INPUT... --layout L -o OUT.trace</c>.</summary>
public static class ImportVerb
{
    const string Usage = """
        usage: tracetools import FORMAT INPUT... --layout LAYOUT.scn -o OUT.trace
                                 [--symbols ELF] [--device-name NAME=DEVICE ...] [--skip-unmapped]
                                 [--skip-malformed] [--relaxed-mmio]
                                 [--codec none|lz4] [--chunk-events N] [--quiet]

        Turns a recorded text trace into a binary trace, streaming: several INPUTs are merged in
        timestamp order ('-' reads stdin). Nothing is written when an input has an error.
          --layout FILE      the system the trace ran on: a .scn with declarations only (arch, cpu,
                             device, ram/sync/mmio, table); the trace's cpu N is the N-th cpu declared
          -o FILE            output trace ('-' for stdout)
          --symbols ELF      turn code-address sites into file:line with addr2line (GNU binutils)
          --device-name N=D  the trace's device name N is the layout's device D (repeatable): e.g. an
                             irq's name and a bus name such as 0000:01:00.0 for the same device
          --skip-unmapped    skip events outside the layout (counted per reason) instead of stopping
          --skip-malformed   skip lines the format cannot read (counted) instead of stopping
          --relaxed-mmio     ftrace: rwmmio events are writel_relaxed/readl_relaxed (no implied barrier)
          --codec C          chunk codec: lz4 (default) or none
          --chunk-events N   events per chunk, 1 to 1048576 (default 65536)
          --quiet            no summary on stderr (warnings, such as events the capture lost, still)

        Formats (docs/recording.md says what each captures and which detectors can fire on it):
        """;

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp)
            return args.Help(Usage + "\n" + string.Join('\n', ImportFormats.All.Select(f => f()).Select(f => $"  {f.Name,-10} {f.Summary}")));
        var layout = args.Option("--layout");
        var output = args.Option("-o", "--output");
        var symbols = args.Option("--symbols");
        var deviceNames = DeviceNames(args.Options("--device-name"));
        bool skipUnmapped = args.Flag("--skip-unmapped");
        bool skipMalformed = args.Flag("--skip-malformed");
        bool relaxed = args.Flag("--relaxed-mmio");
        bool quiet = args.Flag("--quiet");
        var writer = new TraceWriterOptions
        {
            Codec = args.Option("--codec") switch
            {
                null or "lz4" => TraceCodec.Lz4,
                "none" => TraceCodec.None,
                var c => CliThrow.Usage<TraceCodec>($"--codec takes lz4 or none, not '{c}'"),
            },
            ChunkEvents = args.ChunkEvents(),
        };
        var positional = args.Finish(2, int.MaxValue);
        string format = positional[0];
        if (ImportFormats.Create(format) is not { } importFormat)
            CliThrow.Usage($"unknown format '{format}' (known: {string.Join(", ", ImportFormats.Names)})");
        else if (deviceNames.Count > 0 && !importFormat.NamesDevices)
            CliThrow.Usage($"--device-name applies to input that names devices its own way ({string.Join(", ", ImportFormats.All.Select(f => f()).Where(f => f.NamesDevices).Select(f => f.Name))}), not to {format}");
        if (layout is null) CliThrow.Usage("--layout LAYOUT.scn is required (the declarations of the system the trace ran on)");
        if (output is null)
        {
            if (!Console.IsOutputRedirected) CliThrow.Usage("-o OUT.trace is required (a binary trace is not written to a terminal)");
            output = "-";
        }
        foreach (var input in positional[1..]) StandardStreams.CheckRead("import", input, input, dashIsStdin: true);
        StandardStreams.CheckRead("import", layout, layout, dashIsStdin: false);
        var options = new ImportOptions
        {
            Format = format,
            Inputs = positional[1..],
            Layout = layout,
            Output = output,
            Symbols = symbols,
            DeviceNames = deviceNames,
            SkipUnmapped = skipUnmapped,
            SkipMalformed = skipMalformed,
            RelaxedMmio = relaxed,
            Writer = writer,
            // The spill goes beside a file output (a large trace may not fit in /tmp), never beside a device.
            SpillDirectory = output == "-" || FileKinds.Of(output).IsStream() ? Path.GetTempPath() : null,
        };
        using var target = OutputTarget.Open("import", output, [.. options.Inputs, layout, symbols]);
        var summary = TraceImport.Run(options, (metadata, produce) => target.Write(stream =>
        {
            using var trace = new TraceWriter(stream, metadata, writer);
            produce(trace);
            trace.Complete();
        }));
        target.Commit();
        // A warning is not progress: an incomplete capture is said even with --quiet.
        foreach (var line in quiet ? summary.Warnings() : summary.Describe(output)) args.Error.WriteLine(line);
        return CommandLine.Ok;
    }

    /// <summary><c>--device-name NAME=DEVICE</c> values as a map; split at the last <c>=</c> (a layout's names have none, a trace's may).</summary>
    static Dictionary<string, string> DeviceNames(List<string> values)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            int eq = value.LastIndexOf('=');
            if (eq <= 0 || eq == value.Length - 1)
                CliThrow.Usage($"--device-name takes NAME=DEVICE (the trace's name, the layout's device), not '{value}'");
            string name = value[..eq], device = value[(eq + 1)..];
            if (names.TryGetValue(name, out var other) && other != device)
                CliThrow.Usage($"--device-name gives '{name}' two devices, '{other}' and '{device}'");
            names[name] = device;
        }
        return names;
    }
}
