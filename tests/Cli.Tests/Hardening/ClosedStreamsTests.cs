namespace TraceTools.Tests.Hardening;

/// <summary>
/// A standard stream the shell closed (<c>&lt;&amp;-</c>) is refused in one line: its number is taken by a pipe of the
/// runtime's own as the process starts, and reading that waited for ever.
/// </summary>
[TestClass]
public sealed class ClosedStreamsTests
{
    static string Layout => Path.Combine(EndToEnd.RepoPaths.Root, "samples", "recording", "nic-layout.scn");

    [TestMethod]
    [DataRow("replay -", "tracetools replay: cannot read 'stdin': standard input is closed")]
    [DataRow("dump /dev/stdin", "tracetools dump: cannot read '/dev/stdin': standard input is closed")]
    [DataRow("info /dev/fd/0", "tracetools info: cannot read '/dev/fd/0': standard input is closed")]
    [DataRow("gen /dev/stdin -o OUT", "tracetools gen: cannot read '/dev/stdin': standard input is closed")]
    [DataRow("check /dev/stdin", "tracetools check: cannot read '/dev/stdin': standard input is closed")]
    [DataRow("replay TRACE --baseline /dev/stdin", "/dev/stdin: cannot read the baseline: standard input is closed")]
    [DataRow("replay TRACE --suppressions /dev/stdin", "/dev/stdin: cannot read the suppressions file: standard input is closed")]
    [DataRow("import steps - --layout LAYOUT -o OUT", "tracetools import: cannot read '-': standard input is closed")]
    [DataRow("import steps TRACE --layout /dev/stdin -o OUT", "tracetools import: cannot read '/dev/stdin': standard input is closed")]
    public void ClosedStdin_OneLineNotAWaitForEver(string command, string message)
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("closes stdin with /bin/sh and reads /dev/stdin");
        using var s = new Scratch();
        string trace = s.MailboxTrace(), output = s.Path("out.trace");
        var args = command.Split(' ').Select(a => a switch { "TRACE" => trace, "OUT" => output, "LAYOUT" => Layout, _ => a });

        var (exit, _, err) = ChildTool.RunWithShellRedirections("<&-", args, TimeSpan.FromSeconds(20));

        HardeningAsserts.OneLineError(exit, err, message);
        Assert.IsFalse(File.Exists(output), command);
    }
}
