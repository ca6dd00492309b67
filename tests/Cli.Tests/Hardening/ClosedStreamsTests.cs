namespace TraceTools.Tests.Hardening;

/// <summary>
/// A standard stream the shell closed (<c>&lt;&amp;-</c>, <c>&gt;&amp;-</c>) is refused in one line that says so: its
/// number is taken by a pipe of the runtime's own as the process starts; reading that waited for ever, and writing it
/// failed as "permission denied" (or, with both closed, went into the pipe and exited 0).
/// </summary>
[TestClass]
public sealed class ClosedStreamsTests
{
    /// <summary>
    /// Runs <paramref name="command"/> under <paramref name="redirections"/>, its words TRACE (a trace), SCN (its
    /// scenario), LAYOUT (a layout) and OUT (a file that must not be written) replaced by paths; returns stderr.
    /// </summary>
    static string RunExpectingOneLine(string redirections, string command, string message)
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("closes standard streams with /bin/sh and names /dev/stdin");
        using var s = new Scratch();
        string trace = s.MailboxTrace(), output = s.Path("out.trace");
        string layout = Path.Combine(EndToEnd.RepoPaths.Root, "samples", "recording", "nic-layout.scn");
        var args = command.Split(' ').Select(a => a switch { "TRACE" => trace, "SCN" => s.Path("mb.scn"), "LAYOUT" => layout, "OUT" => output, _ => a });

        var (exit, _, err) = ChildTool.RunWithShellRedirections(redirections, args, TimeSpan.FromSeconds(20));

        HardeningAsserts.OneLineError(exit, err, message);
        Assert.IsFalse(File.Exists(output), command);
        return err;
    }

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
    public void ClosedStdin_OneLineNotAWaitForEver(string command, string message) => RunExpectingOneLine("<&-", command, message);

    [TestMethod]
    [DataRow(">&-", "--version", "tracetools: standard output is closed")]
    [DataRow(">&-", "replay TRACE", "tracetools replay: cannot write 'stdout': standard output is closed")]
    [DataRow(">&-", "replay TRACE -o /dev/stdout", "tracetools replay: cannot write '/dev/stdout': standard output is closed")]
    [DataRow(">&-", "dump TRACE", "tracetools dump: standard output is closed")]
    [DataRow(">&-", "check SCN", "tracetools check: standard output is closed")]
    [DataRow(">&-", "gen SCN -o -", "tracetools gen: cannot write 'stdout': standard output is closed")]
    [DataRow("<&- >&-", "info TRACE", "tracetools info: standard output is closed")]
    [DataRow("1</dev/null", "dump TRACE", "tracetools dump: bad file descriptor")]
    public void ClosedStdout_OneLineThatSaysSo(string redirections, string command, string message) =>
        Assert.AreEqual(message, RunExpectingOneLine(redirections, command, message).TrimEnd('\n'));
}
