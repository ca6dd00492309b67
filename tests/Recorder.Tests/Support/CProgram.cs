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

    /// <summary>Scratch folder of this program (traces go here).</summary>
    public string Dir { get; } = Directory.CreateTempSubdirectory("tt-crec-").FullName;

    /// <summary>The built executable.</summary>
    public string Executable { get; }

    /// <summary>
    /// Compiles <paramref name="source"/> (a file name in <paramref name="sourceDir"/>, compiled from
    /// there so that <c>__FILE__</c> is the bare name, as sites show it) with tracetools.c.
    /// </summary>
    public CProgram(string sourceDir, string source)
    {
        Executable = Path.Combine(Dir, Path.GetFileNameWithoutExtension(source));
        var (exit, _, err) = Exec("gcc", sourceDir, ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-pthread",
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
