using System.Diagnostics;

namespace TraceTools.Tests;

/// <summary>
/// Runs a test assembly's own entry point (its <c>TestEntry.Main</c>) in a child process with an environment of its
/// own: for what the product reads once per process, e.g. the kernels <c>TRACETOOLS_SIMD</c> picks. Linked into each
/// test project that has a <c>TestEntry</c> (the projects share no assembly).
/// </summary>
static class TestEntryChild
{
    /// <summary>
    /// Runs <paramref name="assembly"/> under the muxer of the runtime this test runs on, with <paramref name="args"/>,
    /// <paramref name="environment"/> set (a null value removes the variable) and <c>TRACETOOLS_DEBUG</c> removed, stdin
    /// closed; killed and failed after <paramref name="timeout"/>. Returns the exit code and both streams.
    /// </summary>
    public static (int Exit, string Out, string Err) Run(string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment,
        TimeSpan timeout)
    {
        // The muxer of the runtime this test runs on: <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet.
        string muxer = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(),
            "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        var info = new ProcessStartInfo(File.Exists(muxer) ? muxer : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(assembly);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("TRACETOOLS_DEBUG");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"{Path.GetFileNameWithoutExtension(assembly)} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (p.ExitCode, output.Result, error.Result);
    }
}
