namespace TraceTools.Cli.Files;

/// <summary>
/// A scenario file's text, read as the compiler goes, with a failure to open or read it reported as the verb's
/// <see cref="FileError"/> line: <c>gen</c> reads a long scenario a second time while it writes the trace, where an
/// <see cref="IOException"/> would be taken for a failure to write. It may copy what it reads to a spool file, for
/// a second reading of a pipe (<see cref="ScenarioText"/>).
/// </summary>
sealed class ScenarioFileReader : TextReader
{
    readonly StreamReader _reader;
    readonly StreamWriter? _copy;
    readonly string _verb, _shown, _copyPath;

    ScenarioFileReader(StreamReader reader, StreamWriter? copy, string verb, string shown, string copyPath)
    {
        _reader = reader;
        _copy = copy;
        _verb = verb;
        _shown = shown;
        _copyPath = copyPath;
    }

    /// <summary>Opens <paramref name="path"/>, named <paramref name="shown"/> in errors; a failure is a <see cref="FileError"/>.</summary>
    public static ScenarioFileReader Open(string verb, string path, string? shown = null) =>
        new(OpenReader(verb, path, shown ?? path), null, verb, shown ?? path, "");

    /// <summary>Opens <paramref name="path"/> and copies what is read of it to a new file <paramref name="copyPath"/>, as UTF-8.</summary>
    public static ScenarioFileReader OpenCopying(string verb, string path, string copyPath)
    {
        var reader = OpenReader(verb, path, path);
        try
        {
            return new(reader, new StreamWriter(new FileStream(copyPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16)), verb, path, copyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reader.Dispose();
            throw FileError.Writing(verb, copyPath, e);
        }
    }

    static StreamReader OpenReader(string verb, string path, string shown)
    {
        try
        {
            return new StreamReader(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Reading(verb, shown, e);
        }
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        int n;
        try
        {
            n = _reader.Read(buffer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Reading(_verb, _shown, e);
        }
        if (_copy is not null) Copy(buffer[..n]);
        return n;
    }

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    void Copy(ReadOnlySpan<char> text)
    {
        try
        {
            _copy!.Write(text);
            if (text.IsEmpty) _copy.Flush(); // the end of the text: the copy is whole before a second reading opens it
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Writing(_verb, _copyPath, e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
            try
            {
                _copy?.Dispose();
            }
            catch (IOException)
            {
                // A copy cut short: only a second reading would read it, and it checks the length it reads.
            }
        }
        base.Dispose(disposing);
    }
}
