using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

/// <summary>
/// What a trace header can hold. The writer refuses more, the reader reports more as a bad trace, and the
/// scenario compiler reports more at the line and column that goes over: all three read these constants
/// and call these checks, so a scenario that compiles is always one the writer takes.
/// </summary>
public static class TraceLimits
{
    /// <summary>Agents (cpus and devices together).</summary>
    public const int MaxAgents = 4096;
    /// <summary>Regions, tables included.</summary>
    public const int MaxRegions = 65536;
    /// <summary>Distinct lock names.</summary>
    public const int MaxLocks = 65536;
    /// <summary>Distinct site strings.</summary>
    public const int MaxSites = 1 << 20;
    /// <summary>UTF-8 bytes of one name, site or scenario name.</summary>
    public const int MaxStringBytes = 4096;
    /// <summary>
    /// Bytes of the header's metadata block: every name, lock and site with their lengths, the regions' fields and the
    /// sections (docs/trace-format.md). The caps on counts and string lengths alone allow far more (2^20 sites of
    /// 4 KiB), so a compiler or importer also keeps a <see cref="HeaderBudget"/>.
    /// </summary>
    public const int MaxHeaderBytes = 16 << 20;

    /// <summary>The bytes <paramref name="text"/> takes in the header: its UTF-8 length as a varint, then those bytes.</summary>
    public static int TextBytes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int n = System.Text.Encoding.UTF8.GetByteCount(text);
        return Varint.Length((ulong)n) + n;
    }

    /// <summary>The exact size of the metadata block a writer of the current format version writes for <paramref name="metadata"/>.</summary>
    public static long HeaderBytes(TraceMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return MetadataCodec.Encode(metadata).Length;
    }

    /// <summary>
    /// The problem with free text (a scenario name or a site) as the header would store it, or null: longer
    /// than <see cref="MaxStringBytes"/>, or holding a control character (a tab or NUL would break <c>dump</c>).
    /// </summary>
    public static string? TextProblem(string what, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return LengthProblem(what, text) ?? MetadataRules.CheckText(what, text);
    }

    /// <summary>
    /// Free text (a site) made storable as the importers store it: cut to at most <see cref="MaxStringBytes"/> UTF-8
    /// bytes at the last whole character (or surrogate pair), each control character replaced by <c>?</c>. Returns
    /// <paramref name="text"/> itself when it is storable already (no copy on the common path).
    /// </summary>
    public static ReadOnlySpan<char> SanitizedText(ReadOnlySpan<char> text)
    {
        text = WithinStringLimit(text);
        if (!text.ContainsAnyInRange('\0', '\u001f') && !text.ContainsAnyInRange('\u007f', '\u009f')) return text;
        var copy = text.ToArray();
        for (int i = 0; i < copy.Length; i++) if (char.IsControl(copy[i])) copy[i] = '?';
        return copy;
    }

    /// <summary>The longest prefix of <paramref name="text"/>, in whole characters, of at most <see cref="MaxStringBytes"/> UTF-8 bytes.</summary>
    static ReadOnlySpan<char> WithinStringLimit(ReadOnlySpan<char> text)
    {
        // A char is at most 3 UTF-8 bytes (a surrogate pair is 4 for 2 chars): short text needs no transcoding.
        if (text.Length <= MaxStringBytes / 3) return text;
        Span<byte> limit = stackalloc byte[MaxStringBytes];
        // Stops before the first character (or surrogate pair) that does not fit whole.
        System.Text.Unicode.Utf8.FromUtf16(text, limit, out int fits, out _);
        return text[..fits];
    }

    /// <summary>
    /// Why <paramref name="events"/> events cannot be written with <paramref name="options"/>, or null: more than its
    /// chunks hold in the <see cref="TraceWriterOptions.MaxChunks"/> a trace may have (<see cref="TraceWriterOptions.MaxEvents"/>).
    /// Reads as the rest of a sentence after whose events they are: <c>16,777,217 events need more than ...</c>.
    /// </summary>
    public static string? ChunksProblem(long events, TraceWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long max = options.MaxEvents;
        if (events <= max) return null;
        long perChunk = (events + TraceWriterOptions.MaxChunks - 1) / TraceWriterOptions.MaxChunks;
        // Past 2^44 events not even the largest chunks hold them: no --chunk-events to advise (the option refuses more).
        string advice = perChunk <= TraceWriterOptions.MaxChunkEvents ? $"use --chunk-events {perChunk} or more"
            : $"no --chunk-events holds them (the largest, {TraceWriterOptions.MaxChunkEvents}, holds at most " +
              $"{(long)TraceWriterOptions.MaxChunks * TraceWriterOptions.MaxChunkEvents:N0} events)";
        return $"{events:N0} events need more than the {TraceWriterOptions.MaxChunks:N0} chunks a trace may have with --chunk-events {options.ChunkEvents} " +
            $"(at most {max:N0} events): {advice}";
    }

    /// <summary>The problem with an agent, region or lock name's length, or null.</summary>
    public static string? LengthProblem(string what, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Cheap bound first: a UTF-16 string of at most MaxStringBytes / 3 chars cannot exceed the limit.
        if (text.Length <= MaxStringBytes / 3) return null;
        int bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        return bytes <= MaxStringBytes ? null : $"{what} is {bytes} bytes long (at most {MaxStringBytes} UTF-8 bytes)";
    }
}
