using TraceTools.Importers.Internals;

namespace TraceTools.Importers.Formats.Ftrace;

/// <summary>
/// The lines by which ftrace text says events are missing: the kernel's <c>CPU:%d [LOST %lu EVENTS]</c>
/// (kernel/trace/trace.c, before the first event read after an overrun; <c>(unsigned long)-1</c> when the
/// count is unknown), trace-cmd's <c>CPU:%d [%lld EVENTS DROPPED]</c> and <c>CPU:%d [EVENTS DROPPED]</c>, and
/// the tracefs header <c>entries-in-buffer/entries-written: IN/WRITTEN</c> (WRITTEN - IN were overwritten).
/// </summary>
static class LostEventMarkers
{
    /// <summary>What a lost-events marker looks like, for the error of a line that starts like one but is not.</summary>
    public const string Expected = "expected a lost-events marker 'CPU:N [LOST COUNT EVENTS]' or 'CPU:N [COUNT EVENTS DROPPED]'";

    /// <summary>A <c>CPU:N [...]</c> marker (<paramref name="text"/>, within <paramref name="line"/>), counted as lost on cpu N; false for any other line.</summary>
    public static bool TryCpu(ReadOnlySpan<byte> line, ReadOnlySpan<byte> text, ImportSink sink)
    {
        var rest = text["CPU:"u8.Length..];
        int space = rest.IndexOf((byte)' ');
        if (space <= 0 || !LineText.TryDecimal(rest[..space], out ulong cpu) || cpu > int.MaxValue) return false;
        var marker = rest[(space + 1)..].TrimEnd((byte)' ');
        if (marker.Length < 2 || marker[0] != '[' || marker[^1] != ']') return false;
        var inside = marker[1..^1];
        if (!TryCount(inside, "LOST "u8, " EVENTS"u8, out long lost) && !TryCount(inside, ""u8, " EVENTS DROPPED"u8, out lost))
        {
            if (!inside.SequenceEqual("EVENTS DROPPED"u8)) return false;
            lost = -1;
        }
        sink.Lost((int)cpu, "lost", lost, LineText.Column(line, rest));
        sink.Skip("lost-events marker");
        return true;
    }

    /// <summary>Counts the overwritten events of the tracefs header line <c># entries-in-buffer/entries-written: IN/WRITTEN   #P:N</c>; other comments are ignored.</summary>
    public static void Header(ReadOnlySpan<byte> text, ImportSink sink)
    {
        const string Key = "entries-in-buffer/entries-written:";
        int at = text.IndexOf("entries-in-buffer/entries-written:"u8);
        if (at < 0) return;
        var rest = text[(at + Key.Length)..];
        var counts = LineText.NextToken(ref rest);
        int slash = counts.IndexOf((byte)'/');
        if (slash < 0 || !LineText.TryDecimal(counts[..slash], out ulong kept) || !LineText.TryDecimal(counts[(slash + 1)..], out ulong written))
            return; // a comment after all
        if (written > kept) sink.Lost(-1, $"overwritten in the full ring buffer (entries-in-buffer/entries-written: {kept}/{written})", (long)Math.Min(written - kept, long.MaxValue));
    }

    /// <summary><c>PREFIX COUNT SUFFIX</c>, the whole span; a count of (unsigned long)-1 is the kernel's "unknown" (-1).</summary>
    static bool TryCount(ReadOnlySpan<byte> inside, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> suffix, out long count)
    {
        count = 0;
        if (!inside.StartsWith(prefix) || !inside.EndsWith(suffix) || inside.Length <= prefix.Length + suffix.Length) return false;
        if (!LineText.TryDecimal(inside[prefix.Length..^suffix.Length], out ulong n)) return false;
        count = n is ulong.MaxValue or uint.MaxValue || n > long.MaxValue ? -1 : (long)n;
        return true;
    }
}
