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

    /// <summary>Starts tracetools; stdin is a pipe the caller may write.</summary>
    public static Process Start(IEnumerable<string> args, long? heapLimitBytes = null)
    {
        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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
