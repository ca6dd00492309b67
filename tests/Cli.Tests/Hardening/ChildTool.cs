using System.Diagnostics;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// Runs the built tracetools in a child process, for what an in-process run cannot show: a memory cap
/// (GC heap hard limit), signals, a pipe on stdin, the real exit code of the process.
/// </summary>
static class ChildTool
{
    /// <summary>The apphost the build copies beside the test assembly.</summary>
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "tracetools.exe" : "tracetools");

    /// <summary>
    /// Starts tracetools; stdin is a pipe the caller may write. <paramref name="sigint"/> sets how it starts
    /// with SIGINT: a child inherits an ignored SIGINT (a test host run as a background job of a script has
    /// one), and then neither dies on it nor runs its handlers, so a test of SIGINT must say which it means.
    /// </summary>
    public static Process Start(IEnumerable<string> args, long? heapLimitBytes = null, SigintAtStart sigint = SigintAtStart.Inherited)
    {
        // Process cannot set a child's signal dispositions; coreutils env (8.31 and later) can, and execs
        // tracetools in the same process, so the id the caller signals is tracetools'.
        var info = new ProcessStartInfo(sigint == SigintAtStart.Inherited ? Path : "env")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (sigint != SigintAtStart.Inherited)
        {
            info.ArgumentList.Add(sigint == SigintAtStart.Default ? "--default-signal=INT" : "--ignore-signal=INT");
            info.ArgumentList.Add(Path);
        }
        foreach (var a in args) info.ArgumentList.Add(a);
        if (heapLimitBytes is long limit)
        {
            info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + limit.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            info.Environment["DOTNET_GCgen0size"] = "0x1000000";
        }
        info.Environment.Remove("TRACETOOLS_DEBUG");
        return Process.Start(info)!;
    }

    /// <summary>Runs to the end (killed after <paramref name="timeout"/>) and returns exit code and streams.</summary>
    public static (int Exit, string Out, string Err) Run(IEnumerable<string> args, long? heapLimitBytes = null, byte[]? stdin = null, TimeSpan? timeout = null)
    {
        using var p = Start(args, heapLimitBytes);
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            try { p.StandardInput.BaseStream.Write(stdin); } catch (IOException) { }
        }
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"tracetools {string.Join(' ', args)} did not finish in time");
        }
        return (p.ExitCode, output.Result, error.Result);
    }
}

/// <summary>How <see cref="ChildTool.Start"/> starts the child with SIGINT.</summary>
enum SigintAtStart
{
    /// <summary>As the test host has it.</summary>
    Inherited,

    /// <summary>Reset to the default action (ending the process), as a shell's foreground job has it.</summary>
    Default,

    /// <summary>Ignored, as a background job of a non-interactive shell has it.</summary>
    Ignored,
}
