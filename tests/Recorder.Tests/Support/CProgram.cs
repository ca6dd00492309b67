using System.Diagnostics;

namespace TraceTools.Tests.Recorder.Support;

/// <summary>
/// A C program built in the test run with the system compiler (gcc, which .ci/run installs) against
/// recorder/c/tracetools.c, in a temp folder deleted at dispose.
/// </summary>
sealed class CProgram : IDisposable
{
    /// <summary>The folder holding TraceTools.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>recorder/c.</summary>
    public static string LibraryDir => Path.Combine(Root, "recorder", "c");

    /// <summary>tests/Recorder.Tests/Programs.</summary>
    public static string ProgramsDir => Path.Combine(Root, "tests", "Recorder.Tests", "Programs");

    /// <summary>recorder/c/examples.</summary>
    public static string ExamplesDir => Path.Combine(LibraryDir, "examples");

    /// <summary>The 1-based line of examples/<paramref name="example"/> holding <paramref name="marker"/>: the line a site names.</summary>
    public static int ExampleLineOf(string example, string marker)
    {
        var lines = File.ReadAllLines(Path.Combine(ExamplesDir, example));
        int i = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, i, $"marker '{marker}' not in {example}");
        return i + 1;
    }

    /// <summary>
    /// Replays <paramref name="trace"/> with the CLI (JSON report) and checks it found exactly one instance of exactly one
    /// kind, <paramref name="kind"/> (exit 1); returns that instance (trigger, related).
    /// </summary>
    public static System.Text.Json.JsonElement ReplayOneFinding(string trace, string kind)
    {
        var (exit, json, err) = Cli("replay", trace, "--format", "json");
        Assert.AreEqual(1, exit, err);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var groups = doc.RootElement.GetProperty("findings");
        Assert.AreEqual(1, groups.GetArrayLength(), json);
        var group = groups[0];
        Assert.AreEqual(kind, group.GetProperty("kind").GetString(), json);
        Assert.AreEqual(1, group.GetProperty("count").GetInt32(), json);
        return group.GetProperty("instances")[0].Clone();
    }

    /// <summary>
    /// recorder/c/README.md shows a report in a code block starting with <paramref name="firstLine"/>: that block must
    /// be part of <paramref name="report"/>, what the CLI prints now.
    /// </summary>
    public static void AssertReadmeShows(string report, string firstLine)
    {
        string readme = File.ReadAllText(Path.Combine(LibraryDir, "README.md")).ReplaceLineEndings("\n");
        int at = readme.IndexOf("```\n" + firstLine, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, $"the README lost its report starting {firstLine}");
        at += 4;
        StringAssert.Contains(report.ReplaceLineEndings("\n"), readme[at..readme.IndexOf("```", at, StringComparison.Ordinal)]);
    }

    /// <summary>Scratch folder of this program (traces go here).</summary>
    public string Dir { get; } = Directory.CreateTempSubdirectory("tt-crec-").FullName;

    /// <summary>The built executable.</summary>
    public string Executable { get; }

    /// <summary>
    /// Compiles <paramref name="source"/> (a file name in <paramref name="sourceDir"/>, compiled from
    /// there so that <c>__FILE__</c> is the bare name, as sites show it) with tracetools.c, adding
    /// <paramref name="flags"/> (a sanitizer, ...) to the usual ones.
    /// </summary>
    public CProgram(string sourceDir, string source, params string[] flags)
    {
        Executable = Path.Combine(Dir, Path.GetFileNameWithoutExtension(source));
        var (exit, _, err) = Exec("gcc", sourceDir, ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-pthread", .. flags,
            "-I", LibraryDir, source, Path.Combine(LibraryDir, "tracetools.c"), "-o", Executable]);
        if (exit != 0) Assert.Fail($"gcc failed on {source} ({exit}):\n{err}");
    }

    /// <summary>Runs the program to its end.</summary>
    public (int Exit, string Out, string Err) Run(params string[] args) => Exec(Executable, Dir, args);

    static (int Exit, string Out, string Err) Exec(string file, string dir, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"cannot run {file}: {e.Message} (the C tests need gcc: .ci/run installs it with apt-get install gcc libc6-dev)");
            throw;
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            string stderr = p.StandardError.ReadToEnd();
            if (!p.WaitForExit(60_000)) { p.Kill(); Assert.Fail($"{file} did not end within 60 s"); }
            return (p.ExitCode, stdout.Result, stderr);
        }
    }

    /// <summary>Starts the program without waiting for it.</summary>
    public Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Executable) { WorkingDirectory = Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>Runs the CLI in-process and captures its streams.</summary>
    public static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = TraceTools.Cli.CommandLine.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TraceTools.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("TraceTools.sln not found above " + AppContext.BaseDirectory);
    }
}
