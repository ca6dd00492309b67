using TraceTools.TraceFormat;

namespace TraceTools.Cli.Files;

/// <summary>A file that cannot be opened, read or written: one line in the tool's words, exit code 2.</summary>
public sealed class FileError(string message) : BadInputException(message)
{
    /// <summary>"cannot read 'X': no such file" from what the runtime threw (its message names temp paths and is not ours).</summary>
    public static FileError Reading(string verb, string shown, Exception e) => new($"tracetools {verb}: cannot read '{shown}': {Reason(e)}");

    /// <summary>"cannot write 'X': no space left on device".</summary>
    public static FileError Writing(string verb, string shown, Exception e) => new($"tracetools {verb}: cannot write '{shown}': {Reason(e)}");

    /// <summary>
    /// Why <paramref name="path"/>, an input the verb reads whole (a baseline, a suppressions file), could not be read:
    /// the runtime reports a directory as access denied, and its other messages end in the path.
    /// </summary>
    public static string ReadReason(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException when FileKinds.Of(path) == FileKind.Directory => "it is a directory",
        _ => Reason(e),
    };

    /// <summary>The cause in a few words, from the error number where the runtime kept it.</summary>
    public static string Reason(Exception e) => e switch
    {
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such directory",
        // The runtime reports EBADF and EPERM as access denied too, keeping the error number in the inner exception:
        // a descriptor open only for reading (a stdout given as '1<file') was "permission denied".
        UnauthorizedAccessException { InnerException: IOException inner } => Reason(inner),
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        IOException io => (io.HResult & 0xFFFF) switch
        {
            5 => "input/output error",
            13 => "permission denied",
            21 => "it is a directory",
            27 => "file too large",
            28 => "no space left on device",
            30 => "read-only file system",
            32 => "broken pipe (the reader went away)",
            122 => "disk quota exceeded",
            _ => FirstClause(io.Message),
        },
        _ => FirstClause(e.Message),
    };

    // The runtime appends " : 'path'" (sometimes a temp path): keep only what went wrong.
    static string FirstClause(string message)
    {
        int cut = message.IndexOf(" : ", StringComparison.Ordinal);
        string s = (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.');
        int quote = s.IndexOf(" '", StringComparison.Ordinal);
        if (quote > 0 && s.Contains('/', StringComparison.Ordinal)) s = s[..quote];
        return s.Length == 0 ? "failed" : char.ToLowerInvariant(s[0]) + s[1..].ReplaceLineEndings(" ");
    }
}
