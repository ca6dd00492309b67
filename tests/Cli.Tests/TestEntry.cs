using System.Text.Json;
using TraceTools.Replay.Clocks;

namespace TraceTools.Tests;

/// <summary>
/// This test assembly's entry point (the project turns off the one Microsoft.NET.Test.Sdk generates): what a test
/// runs in a child process (<see cref="Hardening.ChildTool.RunTestEntry"/>) because it needs a process of its own
/// environment. The test host never calls it.
/// </summary>
static class TestEntry
{
    /// <summary><c>replay-each DIR REPLAY-OPTION...</c> (see <see cref="ReplayEach"/>); exit 2 on anything else.</summary>
    static int Main(string[] args)
    {
        if (args is ["replay-each", var dir, .. var options]) return ReplayEach(dir, options);
        Console.Error.WriteLine("usage: Cli.Tests replay-each DIR [REPLAY-OPTION ...]");
        return 2;
    }

    /// <summary>
    /// Replays every .trace in <paramref name="dir"/> (in name order) through the CLI in this one process, with
    /// <c>--format json</c> and <paramref name="options"/>: one process for a hundred traces, where a child per trace
    /// would cost the test a runtime start each. Prints the clock kernel the environment picked (<c>kernel: V512</c>),
    /// then per trace <c># NAME EXIT</c> and its report's <c>findings</c> on one line (the rest of a report names the
    /// trace's path).
    /// </summary>
    static int ReplayEach(string dir, string[] options)
    {
        Console.Out.WriteLine($"kernel: {ClockSimdSelector.Default}");
        var files = Directory.GetFiles(dir, "*.trace");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int exit = Cli.CommandLine.Run(["replay", file, "--format", "json", .. options], output, error);
            Console.Out.WriteLine($"# {Path.GetFileName(file)} {exit}");
            if (exit is 0 or 1)
            {
                using var report = JsonDocument.Parse(output.ToString());
                Console.Out.WriteLine(JsonSerializer.Serialize(report.RootElement.GetProperty("findings")));
            }
            else Console.Out.WriteLine(error.ToString().ReplaceLineEndings(" "));
        }
        return 0;
    }
}
