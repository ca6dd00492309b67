namespace TraceTools.TraceFormat;

/// <summary>
/// A malformed trace: the one exception the reader raises for bad bytes. The message is one line,
/// <c>FILE: byte offset N (chunk K): what is wrong [bytes: ..]</c>, with <c>(header)</c> or <c>(footer)</c>
/// in place of the chunk for errors outside the chunks.
/// </summary>
public sealed class TraceFormatException : BadInputException
{
    /// <summary>Index of the chunk where the error is, or -1 for the header and the footer.</summary>
    public long ChunkIndex { get; }
    /// <summary>Absolute byte offset in the file of the offending bytes.</summary>
    public long ByteOffset { get; }
    /// <summary>The offending bytes in hex, when useful, else null.</summary>
    public string? BytesHex { get; }
    /// <summary>The file name as given to the reader.</summary>
    public string FileName { get; }
    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }
    /// <summary>
    /// True when the file does not start with the trace magic: it is some other file, not a damaged trace
    /// (the command line then says what the file looks like, e.g. a scenario to compile first).
    /// </summary>
    public bool NotATrace { get; init; }

    /// <summary>Creates the exception; <paramref name="where"/> overrides the <c>(chunk K)</c> part.</summary>
    public TraceFormatException(string fileName, long byteOffset, long chunkIndex, string problem, string? bytesHex = null, string? where = null)
        : base(Compose(fileName, byteOffset, chunkIndex, problem, bytesHex, where))
    {
        FileName = fileName;
        ByteOffset = byteOffset;
        ChunkIndex = chunkIndex;
        Problem = problem;
        BytesHex = bytesHex;
    }

    static string Compose(string file, long offset, long chunk, string problem, string? hex, string? where)
    {
        string place = where ?? (chunk >= 0 ? $"chunk {chunk}" : "header");
        string bytes = hex is null ? "" : $" [bytes: {hex}]";
        return $"{file}: byte offset {offset} ({place}): {problem}{bytes}";
    }
}
