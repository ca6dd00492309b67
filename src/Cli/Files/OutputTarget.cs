namespace TraceTools.Cli.Files;

/// <summary>
/// Where <c>-o</c> writes. A regular file (or a new one) is written to <c>OUT.tmp-PID-XXXX</c> beside it and
/// renamed over it by <see cref="Commit"/>, so a failure leaves the old file whole; disposing without a
/// commit deletes the temporary file. A character device, a block device or a FIFO is written in place:
/// renaming over <c>/dev/null</c> would replace the device with a file. A symlink is written through: the
/// file it points to is replaced, the link stays. <c>-</c> is stdout; opened with <see cref="OpenWhole"/> it too gets
/// the output whole or nothing: written to a temporary file, copied out by <see cref="Commit"/>.
/// </summary>
public sealed class OutputTarget : IDisposable
{
    readonly string _verb;
    readonly string? _temp;
    readonly string _final;
    /// <summary>The temporary file is stdout's, copied out at <see cref="Commit"/> (not renamed).</summary>
    readonly bool _spooled;
    bool _committed;

    /// <summary>The path as the user gave it, for messages.</summary>
    public string Shown { get; }

    /// <summary>Where the bytes go; buffered.</summary>
    public Stream Stream { get; }

    OutputTarget(string verb, string shown, string final, string? temp, Stream stream, bool spooled = false)
    {
        _verb = verb;
        _spooled = spooled;
        Shown = shown;
        _final = final;
        _temp = temp;
        Stream = stream;
    }

    /// <summary>
    /// Checks and opens <paramref name="path"/> for <paramref name="verb"/>; a bad target is a <see cref="FileError"/>,
    /// among them one of the verb's <paramref name="inputs"/> (the same file, through symlinks too).
    /// </summary>
    public static OutputTarget Open(string verb, string path, params ReadOnlySpan<string?> inputs)
    {
        ArgumentNullException.ThrowIfNull(path);
        StandardStreams.CheckWrite(verb, path);
        if (path == "-") return new OutputTarget(verb, "stdout", "-", null, new BufferedStream(Console.OpenStandardOutput(), 1 << 16));
        string final = Resolve(verb, path);
        NotAnInput(verb, path, final, inputs);
        var kind = FileKinds.Of(final);
        switch (kind)
        {
            case FileKind.Directory: throw new FileError($"tracetools {verb}: cannot write '{path}': it is a directory");
            case FileKind.Socket: throw new FileError($"tracetools {verb}: cannot write '{path}': it is a socket");
        }
        if (kind.IsStream())
        {
            try
            {
                var direct = new FileStream(final, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
                return new OutputTarget(verb, path, final, null, direct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw FileError.Writing(verb, path, e);
            }
        }
        string temp = TempFiles.Create(final);
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            if (kind == FileKind.Regular && !OperatingSystem.IsWindows()) KeepMode(final, temp);
            return new OutputTarget(verb, path, final, temp, new FileTooLargeStream(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TempFiles.Delete(temp);
            throw FileError.Writing(verb, path, e);
        }
    }

    /// <summary>
    /// <see cref="Open"/>, but stdout too gets the output only once complete: <c>gen x.scn -o - | tracetools replay -</c>
    /// must not hand the reader a trace's first bytes when a step fails later (the reader would take it for a trace
    /// cut off, replay nothing and exit 0). The bytes wait in a temporary file (<see cref="Path.GetTempPath"/>).
    /// </summary>
    public static OutputTarget OpenWhole(string verb, string path, params ReadOnlySpan<string?> inputs)
    {
        if (path != "-") return Open(verb, path, inputs);
        StandardStreams.CheckWrite(verb, path);
        string temp = TempFiles.Create(Path.Combine(Path.GetTempPath(), "tracetools-stdout"));
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            return new OutputTarget(verb, "stdout", "-", temp, new FileTooLargeStream(file), spooled: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TempFiles.Delete(temp);
            throw FileError.Writing(verb, "stdout", e);
        }
    }

    /// <summary>Checks a target before any work (synth's truth file, replay's report): the same refusals as <see cref="Open"/>.</summary>
    public static void Check(string verb, string path, params ReadOnlySpan<string?> inputs)
    {
        StandardStreams.CheckWrite(verb, path);
        if (path == "-") return;
        string final = Resolve(verb, path);
        NotAnInput(verb, path, final, inputs);
        var kind = FileKinds.Of(final);
        if (kind is FileKind.Directory or FileKind.Socket)
            throw new FileError($"tracetools {verb}: cannot write '{path}': it is a {(kind == FileKind.Directory ? "directory" : "socket")}");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(final));
        if (dir is not null && !Directory.Exists(dir))
            throw new FileError($"tracetools {verb}: cannot write '{path}': directory '{dir}' does not exist");
    }

    /// <summary>Runs <paramref name="write"/> and commits; a write error (a full disk) becomes one clean line.</summary>
    public void Write(Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            write(Stream);
            Stream.Flush();
        }
        catch (Exception e) when (e is IOException and not TraceTools.TraceFormat.CodecUnavailableException || e is UnauthorizedAccessException)
        {
            throw FileError.Writing(_verb, Shown, e);
        }
    }

    /// <summary>Flushes and, for a regular file, renames the temporary file over the target.</summary>
    public void Commit()
    {
        try
        {
            Stream.Flush();
            Stream.Dispose();
            if (_spooled)
            {
                using (var spool = new FileStream(_temp!, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16))
                using (var stdout = Console.OpenStandardOutput())
                    spool.CopyTo(stdout, 1 << 16);
                TempFiles.Delete(_temp!);
            }
            else if (_temp is not null)
            {
                File.Move(_temp, _final, overwrite: true);
                TempFiles.Forget(_temp);
            }
            _committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Writing(_verb, Shown, e);
        }
    }

    /// <summary>Closes; without a commit, deletes the temporary file (the target is untouched).</summary>
    public void Dispose()
    {
        if (_committed) return;
        // A failed run: what is buffered is dropped (stdout, a device) or deleted with the temporary file.
        try { Stream.Dispose(); } catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        if (_temp is not null) TempFiles.Delete(_temp);
    }

    /// <summary>
    /// Refuses a target that is one of the verb's inputs (<c>gen x.scn -o x.scn</c>): the output would replace it once
    /// complete, and the input is gone. Compared as paths with every symlink followed (a hard link is not seen).
    /// </summary>
    static void NotAnInput(string verb, string path, string final, ReadOnlySpan<string?> inputs)
    {
        foreach (var input in inputs)
        {
            if (input is null or "-" || !File.Exists(input)) continue;
            if (string.Equals(Resolve(verb, input), final, StringComparison.Ordinal))
                throw new FileError($"tracetools {verb}: cannot write '{path}': it is the input '{input}'; nothing was written");
        }
    }

    // Writes go through a symlink to the file it names (the link must stay a link), followed link by link
    // so that a link to a file not yet created works too.
    static string Resolve(string verb, string path)
    {
        try
        {
            string current = Path.GetFullPath(path);
            for (int hops = 0; hops < 40; hops++)
            {
                string? next = new FileInfo(current).LinkTarget;
                if (next is null || IsMagicLinkTarget(current, next)) return current;
                current = Path.GetFullPath(next, Path.GetDirectoryName(current)!);
            }
            throw new FileError($"tracetools {verb}: cannot write '{path}': too many levels of symbolic links");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Writing(verb, path, e);
        }
    }

    /// <summary>
    /// True when <paramref name="link"/> is a descriptor's link under <c>/proc</c> or <c>/dev/fd</c> (<c>/dev/stdout</c>
    /// leads to <c>/proc/self/fd/1</c>) whose <paramref name="target"/> names no path (<c>pipe:[41]</c>, <c>socket:[7]</c>):
    /// opened by its own name, the kernel opens the descriptor's pipe; followed, it was "no such file".
    /// </summary>
    static bool IsMagicLinkTarget(string link, string target) =>
        (link.StartsWith("/proc/", StringComparison.Ordinal) || link.StartsWith("/dev/fd/", StringComparison.Ordinal)) &&
        !Path.IsPathRooted(target) && target.Contains(':', StringComparison.Ordinal);

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static void KeepMode(string existing, string temp)
    {
        try { File.SetUnixFileMode(temp, File.GetUnixFileMode(existing)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
