using System.Runtime.InteropServices;

namespace TraceTools.Cli.Files;

/// <summary>
/// Standard input and output the process was started without (<c>replay - &lt;&amp;-</c>, <c>dump T &gt;&amp;-</c>).
/// Their numbers do not stay free: the runtime opens pipes and files of its own as it starts, each taking the lowest
/// free number, so a closed stdin became the read end of a pipe of the runtime's, and reading it (<c>-</c>,
/// <c>/dev/stdin</c>) waited for ever; a closed stdout became that pipe's read end, whose writes fail with EBADF
/// (which .NET reports as access denied: the tool said "permission denied"), or, with stdin closed too, its write
/// end, where the output vanished and the tool exited 0. A descriptor inherited through exec never has close-on-exec
/// set (exec closes those), and the runtime opens every one of its own with it: so descriptor 0 or 1 with the flag,
/// or not open at all, was closed when the process started, and is neither read nor written.
/// </summary>
public static class StandardStreams
{
    /// <summary>What a read of a closed stdin says, after the path.</summary>
    public const string InputClosedReason = "standard input is closed";

    /// <summary>What a write to a closed stdout says.</summary>
    public const string OutputClosedReason = "standard output is closed";

    static readonly Lazy<bool> InputWasClosed = new(() => ClosedAtStart(0));
    static readonly Lazy<bool> OutputWasClosed = new(() => ClosedAtStart(1));

    /// <summary>True when the process was started with its standard input closed.</summary>
    public static bool InputClosed => InputWasClosed.Value;

    /// <summary>
    /// True when <paramref name="path"/> names descriptor 0 (<c>/dev/stdin</c>, <c>/dev/fd/0</c>, <c>/proc/self/fd/0</c>)
    /// and the process was started without a standard input: opening the name would open the runtime's pipe.
    /// </summary>
    public static bool IsClosedInputPath(string path) => (path is "/dev/stdin" or "/dev/fd/0" or "/proc/self/fd/0") && InputClosed;

    /// <summary>
    /// Refuses to read a closed stdin: <paramref name="path"/> naming descriptor 0, or <c>-</c> where
    /// <paramref name="dashIsStdin"/> (a verb that reads <c>-</c> as stdin). A <see cref="FileError"/> naming <paramref name="shown"/>.
    /// </summary>
    public static void CheckRead(string verb, string path, string shown, bool dashIsStdin)
    {
        if (IsClosedInputPath(path) || (dashIsStdin && path == "-" && InputClosed))
            throw new FileError($"tracetools {verb}: cannot read '{shown}': {InputClosedReason}");
    }

    /// <summary>True when the process was started with its standard output closed.</summary>
    public static bool OutputClosed => OutputWasClosed.Value;

    /// <summary>
    /// The verbs' stdout when the process was started without one: every write fails with <see cref="OutputClosedReason"/>
    /// (an <see cref="IOException"/>, one line as any failed write), so a verb that prints nothing runs as before.
    /// </summary>
    public static TextWriter ClosedOutput { get; } = new ClosedWriter();

    /// <summary>
    /// Refuses to write <paramref name="path"/> when it is a closed stdout: <c>-</c>, <c>/dev/stdout</c>, <c>/dev/fd/1</c>
    /// or <c>/proc/self/fd/1</c> (opening a name of descriptor 1 would open the runtime's pipe). A <see cref="FileError"/>.
    /// </summary>
    public static void CheckWrite(string verb, string path)
    {
        if ((path is "-" or "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1") && OutputClosed)
            throw new FileError($"tracetools {verb}: cannot write '{(path == "-" ? "stdout" : path)}': {OutputClosedReason}");
    }

    sealed class ClosedWriter : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        // Every other Write of TextWriter ends here, one character at a time.
        public override void Write(char value) => throw new IOException(OutputClosedReason);
    }

    const int FGetFd = 1, FdCloexec = 1;

    static bool ClosedAtStart(int fd)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return false;
        try
        {
            int flags = Fcntl(fd, FGetFd);
            return flags < 0 || (flags & FdCloexec) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    static extern int Fcntl(int fd, int cmd);
}
