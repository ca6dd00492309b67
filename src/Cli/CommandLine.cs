using TraceTools.Cli.Verbs;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Cli;

/// <summary>Entry point: picks the verb, maps bad input to exit code 2 with a one-line message.</summary>
public static class CommandLine
{
    /// <summary>Exit code: ran and found nothing at or above --fail-on.</summary>
    public const int Ok = 0;
    /// <summary>Exit code: findings at or above --fail-on (for check: an expectation failed).</summary>
    public const int Findings = 1;
    /// <summary>Exit code: bad usage or bad input.</summary>
    public const int BadInput = 2;

    static readonly (string Name, string Summary, Func<VerbArgs, int> Run)[] Verbs =
    [
        ("gen", "compile a scenario to a binary trace", GenVerb.Run),
        ("check", "compile scenarios, replay them and verify their expect lines", CheckVerb.Run),
        ("replay", "replay a trace and report ordering bugs", ReplayVerb.Run),
        ("dump", "list a trace's events as scenario steps", DumpVerb.Run),
        ("info", "describe a trace: header, agents, regions, chunks, codec", InfoVerb.Run),
        ("export", "write a trace as Perfetto / chrome://tracing JSON: tracks, hb arrows, findings", ExportVerb.Run),
        ("synth", "write a large synthetic driver trace with injected bugs", SynthVerb.Run),
        ("import", "turn a recorded text trace (ftrace, mmiotrace, steps, ...) into a trace", ImportVerb.Run),
    ];

    /// <summary>
    /// Runs the command line with output to the process's stdout and stderr; a stdout the process was started without
    /// is <see cref="Files.StandardStreams.ClosedOutput"/>, which no write reaches.
    /// </summary>
    public static int Run(string[] args) =>
        Run(args, Files.StandardStreams.OutputClosed ? Files.StandardStreams.ClosedOutput : Console.Out, Console.Error);

    /// <summary>Runs the command line with the given writers (tests capture them).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
            {
                PrintUsage(args.Length == 0 ? stderr : stdout);
                return args.Length == 0 ? BadInput : Ok;
            }
            if (args[0] == "--version")
            {
                stdout.WriteLine($"tracetools {Version}");
                return Ok;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A closed stdout: the runtime's own exception and stack trace were all that was printed.
            stderr.WriteLine($"tracetools: {Files.FileError.Reason(e)}");
            return BadInput;
        }
        foreach (var verb in Verbs)
        {
            if (verb.Name != args[0]) continue;
            try
            {
                return verb.Run(new VerbArgs(verb.Name, args[1..], stdout, stderr));
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"tracetools {verb.Name}: {e.Message}");
                stderr.WriteLine($"run 'tracetools {verb.Name} --help' for usage");
                return BadInput;
            }
            catch (BadInputException e)
            {
                stderr.WriteLine(e.Message);
                return BadInput;
            }
            catch (CodecUnavailableException e)
            {
                stderr.WriteLine($"tracetools {verb.Name}: {e.Message}");
                return BadInput;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Only the cause: the runtime's message names paths (temporary ones too) in its own words.
                stderr.WriteLine($"tracetools {verb.Name}: {Files.FileError.Reason(e)}");
                return BadInput;
            }
            catch (OutOfMemoryException) when (Environment.GetEnvironmentVariable("TRACETOOLS_DEBUG") != "1")
            {
                // Not a bug to report: the process's memory (or its limit, ulimit -v) is smaller than what the input needs.
                // replay's state is mostly per declared agent and page touched, and each --threads replica keeps its own clocks.
                stderr.WriteLine($"tracetools {verb.Name}: out of memory: the process's memory limit is below what this input needs" +
                    (verb.Name == "replay" ? " (each --threads replica keeps its own clocks, agents x agents: --threads 1 needs least)" : ""));
                return BadInput;
            }
            catch (Exception e) when (Environment.GetEnvironmentVariable("TRACETOOLS_DEBUG") != "1")
            {
                // Input we failed to validate must still end in one line, not a stack trace.
                stderr.WriteLine($"tracetools {verb.Name}: internal error: {e.GetType().Name}: {e.Message} (TRACETOOLS_DEBUG=1 shows where; please report it with the input)");
                return BadInput;
            }
        }
        stderr.WriteLine($"tracetools: unknown verb '{args[0]}'{NearMiss.Suffix(args[0], Verbs.Select(v => v.Name))}");
        PrintUsage(stderr);
        return BadInput;
    }

    /// <summary>The tool's version as reports show it.</summary>
    public static string Version =>
        typeof(CommandLine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    static void PrintUsage(TextWriter w)
    {
        w.WriteLine("usage: tracetools VERB [options] [arguments]   ('tracetools VERB --help' for a verb's options)");
        w.WriteLine();
        foreach (var v in Verbs) w.WriteLine($"  {v.Name,-8} {v.Summary}");
    }
}
