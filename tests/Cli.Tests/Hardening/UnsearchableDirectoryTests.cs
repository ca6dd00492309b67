using System.Diagnostics;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// A file in a directory the user may not search (another user's home, mode 700) is "permission denied", not "no such
/// file": the file's kind came from <c>statx</c>, whose EACCES fell back to File.Exists, which says false. Run as
/// <c>nobody</c> through <c>setpriv</c> (the tests run as root, who may search anything).
/// </summary>
[TestClass]
public sealed class UnsearchableDirectoryTests
{
    [TestMethod]
    [DataRow("info")]
    [DataRow("replay")]
    [DataRow("dump")]
    public void TraceInADirectoryNobodyMaySearch_PermissionDenied(string verb)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix file modes");
            return;
        }
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv")) Assert.Inconclusive("needs root and setpriv to run the tool as nobody");
        using var s = new Scratch();
        string dir = s.Path("private"), trace = Path.Combine(dir, "a.trace");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(EndToEnd.RepoPaths.Samples, "hisi-qm-mailbox.trace"), trace);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(s.Dir, File.GetUnixFileMode(s.Dir) | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        if (!RunsAsNobody(["--version"]).Ok) Assert.Inconclusive("nobody cannot run the tool from here");

        var (_, exit, err) = RunsAsNobody([verb, trace]);

        HardeningAsserts.OneLineError(exit, err, $"tracetools {verb}: cannot read '{trace}': permission denied");
    }

    static (bool Ok, int Exit, string Err) RunsAsNobody(string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", ChildTool.Path, .. args]) info.ArgumentList.Add(a);
        info.Environment["HOME"] = "/tmp";
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode == 0, p.ExitCode, err.Result);
    }
}
