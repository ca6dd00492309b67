using System.Runtime.InteropServices;

namespace TraceTools.Cli.Files;

/// <summary>
/// Standard input the process was started without (<c>replay - &lt;&amp;-</c>). Its number does not stay free: the
/// runtime opens pipes and files of its own as it starts, each taking the lowest free number, so a closed stdin
/// became the read end of a pipe of the runtime's, and reading it (<c>-</c>, <c>/dev/stdin</c>) waited for ever. A
/// descriptor inherited through exec never has close-on-exec set (exec closes those), and the runtime opens every
/// one of its own with it: so descriptor 0 with the flag, or not open at all, was closed when the process started,
/// and is not read.
/// </summary>
public static class StandardStreams
{
    /// <summary>What a read of a closed stdin says, after the path.</summary>
    public const string InputClosedReason = "standard input is closed";

    static readonly Lazy<bool> InputWasClosed = new(() => ClosedAtStart(0));

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
