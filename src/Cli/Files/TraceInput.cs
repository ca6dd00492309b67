using TraceTools.TraceFormat;

namespace TraceTools.Cli.Files;

/// <summary>
/// A trace argument: a file, <c>-</c> (stdin), <c>/dev/stdin</c>, a FIFO or a device. A missing or unreadable
/// path is one <see cref="FileError"/> line. A verb that must read the trace twice (<c>replay</c> reads
/// it, then looks up the events its report names) gets a pipe copied to a temporary file first; the
/// temporary file's name never shows in a message.
/// </summary>
public sealed class TraceInput : IDisposable
{
    readonly string _verb;
    readonly string _path;
    readonly string? _spool;
    readonly List<Stream> _streams = [];
    Stream? _stdin;

    /// <summary>The name messages use: the path as given, or <c>stdin</c>.</summary>
    public string Shown { get; }

    /// <summary>
    /// True when the trace is the standard input (<c>-</c> or <c>/dev/stdin</c>): no file holds it that a report
    /// could point at (a named FIFO or device keeps its path).
    /// </summary>
    public bool IsStandardInput => _path is "-" or "/dev/stdin";

    /// <summary>True when the trace can be read more than once (a file, or a pipe spooled to one).</summary>
    public bool Rereadable { get; }

    TraceInput(string verb, string path, string shown, string? spool, bool rereadable, Stream? stdin)
    {
        _verb = verb;
        _path = path;
        Shown = shown;
        _spool = spool;
        Rereadable = rereadable;
        _stdin = stdin;
    }

    /// <summary>Checks <paramref name="path"/>; with <paramref name="rereadable"/>, copies a pipe to a temporary file.</summary>
    public static TraceInput Open(string verb, string path, bool rereadable)
    {
        ArgumentNullException.ThrowIfNull(path);
        bool stdin = path == "-";
        string shown = stdin ? "stdin" : path;
        StandardStreams.CheckRead(verb, path, shown, dashIsStdin: true);
        var kind = stdin ? FileKind.Fifo : FileKinds.Of(path);
        switch (kind)
        {
            case FileKind.Missing: throw new FileError($"tracetools {verb}: cannot read '{path}': no such file");
            case FileKind.Directory: throw new FileError($"tracetools {verb}: cannot read '{path}': it is a directory");
            case FileKind.Socket: throw new FileError($"tracetools {verb}: cannot read '{path}': it is a socket");
        }
        Stream? source = stdin ? Console.OpenStandardInput() : null;
        bool seekable = !stdin && !kind.IsStream() || kind == FileKind.CharDevice && IsSeekable(verb, path);
        if (seekable || !rereadable) return new TraceInput(verb, path, shown, null, seekable, source);
        return Spool(verb, path, shown, source);
    }

    /// <summary>Opens a reader over the trace (again, when <see cref="Rereadable"/>).</summary>
    public TraceReader OpenReader()
    {
        try
        {
            Stream stream;
            if (_path == "-" && _spool is null)
            {
                stream = _stdin ?? throw new InvalidOperationException("stdin is read once");
                _stdin = null;
            }
            else stream = new FileStream(_spool ?? _path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            _streams.Add(stream);
            // The reader does not own the stream: this input closes them all at Dispose.
            return TraceReader.Open(stream, Shown);
        }
        catch (TraceFormatException e) when (ScenarioGivenAsTrace.Explained(e, _path) is { } explained)
        {
            throw explained;
        }
        catch (Exception e) when (e is IOException and not CodecUnavailableException || e is UnauthorizedAccessException)
        {
            throw FileError.Reading(_verb, Shown, e);
        }
    }

    static bool IsSeekable(string verb, string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            return probe.CanSeek;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Reading(verb, path, e);
        }
    }

    static TraceInput Spool(string verb, string path, string shown, Stream? stdin)
    {
        string spool = TempFiles.Create(Path.Combine(Path.GetTempPath(), "tracetools-" + verb));
        try
        {
            using (var source = stdin ?? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1))
            using (var copy = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                source.CopyTo(copy, 1 << 20);
            }
            return new TraceInput(verb, path, shown, spool, rereadable: true, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TempFiles.Delete(spool);
            throw FileError.Reading(verb, shown, e);
        }
    }

    /// <summary>Deletes the spooled copy of a pipe.</summary>
    public void Dispose()
    {
        _stdin?.Dispose();
        foreach (var s in _streams) s.Dispose();
        if (_spool is not null) TempFiles.Delete(_spool);
    }
}
