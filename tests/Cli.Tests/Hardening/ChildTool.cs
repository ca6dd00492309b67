using System.Diagnostics;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// Runs the built tracetools in a child process, for what an in-process run cannot show: a memory cap
/// (GC heap hard limit), signals, a pipe on stdin, the real exit code of the process, an environment the
/// product reads once per process (<c>TRACETOOLS_SIMD</c>).
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
    /// <remarks><paramref name="environment"/> sets (or, for a null value, removes) variables of the child's environment.</remarks>
    public static Process Start(IEnumerable<string> args, long? heapLimitBytes = null, SigintAtStart sigint = SigintAtStart.Inherited,
        IReadOnlyDictionary<string, string?>? environment = null)
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
        SetEnvironment(info, environment);
        return Process.Start(info)!;
    }

    /// <summary>
    /// Runs this test assembly's entry point (<see cref="TestEntry"/>) in a child process: for what must run in a
    /// process of its own environment, e.g. the kernels <c>TRACETOOLS_SIMD</c> picks once per process.
    /// </summary>
    public static (int Exit, string Out, string Err) RunTestEntry(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        TestEntryChild.Run(typeof(TestEntry).Assembly.Location, args, environment, timeout ?? TimeSpan.FromSeconds(60));

    static void SetEnvironment(ProcessStartInfo info, IReadOnlyDictionary<string, string?>? environment)
    {
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
    }

    /// <summary>Runs to the end (killed after <paramref name="timeout"/>) and returns exit code and streams.</summary>
    public static (int Exit, string Out, string Err) Run(IEnumerable<string> args, long? heapLimitBytes = null, byte[]? stdin = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        Finish(Start(args, heapLimitBytes, environment: environment), args, stdin, timeout);

    /// <summary>
    /// Runs tracetools with standard streams closed as a shell closes them: <paramref name="redirections"/> is what
    /// follows the command (<c>&lt;&amp;-</c>, <c>&gt;&amp;-</c>), which Process cannot do itself. The shell execs
    /// tracetools in its own process, so the process waited on (and killed after <paramref name="timeout"/>) is tracetools.
    /// </summary>
    public static (int Exit, string Out, string Err) RunWithShellRedirections(string redirections, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" " + redirections);
        info.ArgumentList.Add(Path);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("TRACETOOLS_DEBUG");
        return Finish(Process.Start(info)!, args, null, timeout);
    }

    static (int Exit, string Out, string Err) Finish(Process started, IEnumerable<string> args, byte[]? stdin, TimeSpan? timeout)
    {
        using var p = started;
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
