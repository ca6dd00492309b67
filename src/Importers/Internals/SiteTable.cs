using System.Globalization;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Internals;

/// <summary>
/// The sites of an import, interned as they appear: text (a caller symbol such as <c>nic_xmit+0x3c/0x120</c>)
/// or a code address. Ids are final only after <see cref="Resolve"/>, which turns addresses into hex or,
/// with symbols, into <c>file:line</c>, and merges sites that end up equal (the format interns sites).
/// </summary>
sealed class SiteTable
{
    /// <summary>The format's cap on distinct sites.</summary>
    public const int MaxSites = 1 << 20;

    /// <summary>Sites remembered by their bytes (<see cref="RememberUtf8"/>): far more than the callers of a driver.</summary>
    const int MaxUtf8Keys = 1 << 16;

    readonly Dictionary<string, int> _byText = new(StringComparer.Ordinal);
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _textLookup;
    readonly Dictionary<ulong, int> _byAddress = [];
    readonly List<(string? Text, ulong Address)> _sites = [];
    // The same bytes always make the same site: a caller seen before (most lines of an rwmmio trace) is found by
    // its bytes, without transcoding, sanitizing and hashing it as text again (some 400 instructions a lookup).
    readonly Dictionary<byte[], int> _byUtf8 = new(Utf8Keys.Instance);
    readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _utf8Lookup;

    readonly HeaderBudget _header;

    /// <summary>A table whose new sites count against <paramref name="header"/> (the layout's bytes and the locks').</summary>
    public SiteTable(HeaderBudget header)
    {
        _header = header;
        _textLookup = _byText.GetAlternateLookup<ReadOnlySpan<char>>();
        _utf8Lookup = _byUtf8.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _sites.Count;

    /// <summary>Id of a text site.</summary>
    public int Text(ReadOnlySpan<char> text, string file, long line)
    {
        if (_textLookup.TryGetValue(text, out int id)) return id;
        id = Add(file, line, (text.ToString(), 0));
        _byText[_sites[id].Text!] = id;
        return id;
    }

    /// <summary>Id of the text site an importer gave as <paramref name="utf8"/> bytes before, if any (<see cref="RememberUtf8"/>).</summary>
    public bool TryUtf8(ReadOnlySpan<byte> utf8, out int id) => _utf8Lookup.TryGetValue(utf8, out id);

    /// <summary>
    /// Remembers that <paramref name="utf8"/> made site <paramref name="id"/>: keys of at most
    /// <see cref="TraceLimits.MaxStringBytes"/> bytes, and at most <see cref="MaxUtf8Keys"/> of them (the memory of a
    /// trace with more distinct callers stays bounded; their sites are interned as text all the same).
    /// </summary>
    public void RememberUtf8(ReadOnlySpan<byte> utf8, int id)
    {
        if (utf8.Length <= TraceLimits.MaxStringBytes && _byUtf8.Count < MaxUtf8Keys) _utf8Lookup[utf8] = id;
    }

    /// <summary>Id of an address site.</summary>
    public int Address(ulong address, string file, long line)
    {
        if (_byAddress.TryGetValue(address, out int id)) return id;
        id = Add(file, line, (null, address));
        _byAddress[address] = id;
        return id;
    }

    int Add(string file, long line, (string?, ulong) site)
    {
        if (_sites.Count >= MaxSites)
            ImportThrow.At(file, line, 0, $"more than {MaxSites} distinct sites (the trace format's limit)");
        // Counted as it is written unless --symbols turns it into file:line (TraceImport measures the header again then).
        string text = site.Item1 ?? Hex(site.Item2);
        if (_header.SiteProblem(text) is { } big) ImportThrow.At(file, line, 0, big);
        _header.AddSite(text);
        _sites.Add(site);
        return _sites.Count - 1;
    }

    /// <summary>The text sites, for symbolization.</summary>
    public IEnumerable<(int Id, string Text)> TextSites()
    {
        for (int i = 0; i < _sites.Count; i++) if (_sites[i].Text is { } t) yield return (i, t);
    }

    /// <summary>The address sites, for symbolization.</summary>
    public IEnumerable<(int Id, ulong Address)> AddressSites()
    {
        for (int i = 0; i < _sites.Count; i++) if (_sites[i].Text is null) yield return (i, _sites[i].Address);
    }

    /// <summary>
    /// The final site strings and the map from interned id to final id: <paramref name="symbolized"/>[id] when
    /// given, else the text or the address in hex; equal strings share one id.
    /// </summary>
    public (string[] Sites, int[] Remap) Resolve(string?[]? symbolized)
    {
        var final = new List<string>(_sites.Count);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var remap = new int[_sites.Count];
        for (int i = 0; i < _sites.Count; i++)
        {
            var (text, address) = _sites[i];
            string s = symbolized?[i] ?? text ?? Hex(address);
            if (!index.TryGetValue(s, out int id))
            {
                id = final.Count;
                index[s] = id;
                final.Add(s);
            }
            remap[i] = id;
        }
        return ([.. final], remap);
    }

    /// <summary>An address site as the trace stores it without symbols.</summary>
    static string Hex(ulong address) => "0x" + address.ToString("x", CultureInfo.InvariantCulture);
}
