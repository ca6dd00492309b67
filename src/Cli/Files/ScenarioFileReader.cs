namespace TraceTools.Cli.Files;

/// <summary>
/// A scenario file's text, read as the compiler goes, with a failure to open or read it reported as the verb's
/// <see cref="FileError"/> line: <c>gen</c> reads a long scenario a second time while it writes the trace, where an
/// <see cref="IOException"/> would be taken for a failure to write.
/// </summary>
sealed class ScenarioFileReader : TextReader
{
    readonly StreamReader _reader;
    readonly string _verb, _path;

    ScenarioFileReader(StreamReader reader, string verb, string path)
    {
        _reader = reader;
        _verb = verb;
        _path = path;
    }

    /// <summary>Opens <paramref name="path"/>; a failure is a <see cref="FileError"/>.</summary>
    public static ScenarioFileReader Open(string verb, string path)
    {
        try
        {
            return new ScenarioFileReader(new StreamReader(path), verb, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Reading(verb, path, e);
        }
    }

    public override int Read(char[] buffer, int index, int count)
    {
        try
        {
            return _reader.Read(buffer, index, count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Reading(_verb, _path, e);
        }
    }

    public override int Read(Span<char> buffer)
    {
        try
        {
            return _reader.Read(buffer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Reading(_verb, _path, e);
        }
    }

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _reader.Dispose();
        base.Dispose(disposing);
    }
}
