using System.Text.Json;

namespace TraceTools.Cli.Reports;

/// <summary>
/// A baseline's bytes, checked as JSON while they are read: a file that is no JSON report (a binary given by
/// mistake, <c>/dev/zero</c>) stops at its first bad byte instead of being read whole first, which for an endless
/// one ended in an out-of-memory message. A report's values are short (sites, messages, identities), so one value
/// longer than <see cref="MaxValueBytes"/> is refused too: a valid start that never ends (<c>{"a":"aaa...</c>) is
/// read only that far. The caller parses what was read, so an error is reported as the parser words it, at its line
/// and column: the bytes up to the bad one are all there.
/// </summary>
static class BaselineBytes
{
    /// <summary>Longest single JSON token read, in bytes (a string or property name with its quotes, a number): 1 MiB.</summary>
    public const int MaxValueBytes = 1 << 20;

    const int ReadBytes = 1 << 16;

    /// <summary>A token longer than <see cref="MaxValueBytes"/> starts at byte <see cref="At"/> of <see cref="Json"/>.</summary>
    public sealed class TooLongValue(ReadOnlyMemory<byte> json, long at) : Exception("a JSON value is too long")
    {
        /// <summary>The bytes read, after a byte order mark.</summary>
        public ReadOnlyMemory<byte> Json { get; } = json;

        /// <summary>The offset in <see cref="Json"/> where the long token starts.</summary>
        public long At { get; } = at;
    }

    /// <summary>
    /// The file's bytes after a UTF-8 byte order mark (editors on Windows write one; no JSON value, so skipped as
    /// layouts and steps files skip it, and line 1's columns count from after it), read up to the end or up to the
    /// first chunk where they stop being JSON. Throws <see cref="TooLongValue"/> for a token past the cap.
    /// </summary>
    public static ReadOnlyMemory<byte> Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        // A regular file's size is known: one buffer of it (and a byte to see its end), as File.ReadAllBytes made.
        long size = file.CanSeek ? file.Length : 0;
        var buffer = new byte[Math.Clamp(size + 1, ReadBytes, Array.MaxLength)];
        int length = 0, start = -1, checkedTo = 0;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 16 });
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length == Array.MaxLength) throw new IOException("the file is too large");
                Array.Resize(ref buffer, (int)Math.Min(2L * length, Array.MaxLength));
            }
            int n = file.Read(buffer, length, Math.Min(ReadBytes, buffer.Length - length));
            length += n;
            if (start < 0)
            {
                // The mark is decided once three bytes (or the whole file) are in.
                if (length < 3 && n > 0) continue;
                start = buffer.AsSpan(0, length).StartsWith("\uFEFF"u8) ? 3 : 0;
                checkedTo = start;
            }
            var json = new ReadOnlyMemory<byte>(buffer, start, length - start);
            if (n == 0) return json;
            var reader = new Utf8JsonReader(buffer.AsSpan(checkedTo, length - checkedTo), isFinalBlock: false, state);
            try
            {
                while (reader.Read())
                {
                    int tokenBytes = reader.ValueSpan.Length + (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? 2 : 0);
                    if (tokenBytes > MaxValueBytes) throw new TooLongValue(json, checkedTo + reader.TokenStartIndex - start);
                }
            }
            catch (JsonException)
            {
                // Not JSON from here on: the caller's parse of what was read finds the same error at the same place.
                return json;
            }
            checkedTo += (int)reader.BytesConsumed;
            state = reader.CurrentState;
            // The unread part is blanks, then a token not ended yet: past the cap already, it is refused at its first byte.
            int blanks = buffer.AsSpan(checkedTo, length - checkedTo).IndexOfAnyExcept(" \t\r\n"u8);
            int pending = blanks < 0 ? length : checkedTo + blanks;
            if (length - pending > MaxValueBytes) throw new TooLongValue(json, pending - start);
        }
    }
}
