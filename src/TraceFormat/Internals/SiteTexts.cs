using System.Collections;
using System.Text;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// A trace's sites as its header holds them: their UTF-8 bytes in one block and where each begins; a site's string is
/// made the first time it is read, and kept. Reports and dumps read a few sites or read them again and again, so a
/// trace of 2^20 sites costs its bytes and 4 a site to open, where a string each cost about 60 bytes and 2^20
/// objects for the GC to move, and the time to make them before the first event.
/// </summary>
sealed class SiteTexts : IReadOnlyList<string>
{
    readonly byte[] _utf8;
    readonly int[] _starts;
    string?[]? _strings;

    /// <param name="utf8">The sites' bytes, one after another (the block may run on past the last site).</param>
    /// <param name="starts">Where each site begins in <paramref name="utf8"/>, then where the last one ends: count + 1 entries.</param>
    public SiteTexts(byte[] utf8, int[] starts)
    {
        _utf8 = utf8;
        _starts = starts;
    }

    /// <inheritdoc/>
    public int Count => _starts.Length - 1;

    /// <summary>Site <paramref name="index"/>'s bytes.</summary>
    public ReadOnlySpan<byte> Utf8(int index) => _utf8.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

    /// <inheritdoc/>
    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            // Made once per site; two threads reading one site at once may each make it (equal strings, either kept).
            var strings = _strings ?? Interlocked.CompareExchange(ref _strings, new string?[Count], null) ?? _strings!;
            return strings[index] ??= Encoding.UTF8.GetString(Utf8(index));
        }
    }

    /// <inheritdoc/>
    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Whether valid UTF-8 <paramref name="utf8"/> holds a control character (<see cref="char.IsControl(char)"/>: U+0000–U+001F,
    /// U+007F–U+009F), without making its string: C0 controls and DEL are single bytes, C1 controls 0xC2 then 0x80–0x9F
    /// (0xC2 is only ever a lead byte).
    /// </summary>
    public static bool HasControl(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || utf8.Contains((byte)0x7F)) return true;
        for (int at; (at = utf8.IndexOf((byte)0xC2)) >= 0 && at + 1 < utf8.Length; utf8 = utf8[(at + 1)..])
            if (utf8[at + 1] is >= 0x80 and <= 0x9F) return true;
        return false;
    }
}
