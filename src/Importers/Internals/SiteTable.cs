using System.Globalization;

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

    readonly Dictionary<string, int> _byText = new(StringComparer.Ordinal);
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _textLookup;
    readonly Dictionary<ulong, int> _byAddress = [];
    readonly List<(string? Text, ulong Address)> _sites = [];

    public SiteTable() => _textLookup = _byText.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _sites.Count;

    /// <summary>Id of a text site.</summary>
    public int Text(ReadOnlySpan<char> text, string file, long line)
    {
        if (_textLookup.TryGetValue(text, out int id)) return id;
        id = Add(file, line, (text.ToString(), 0));
        _byText[_sites[id].Text!] = id;
        return id;
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
            string s = symbolized?[i] ?? text ?? "0x" + address.ToString("x", CultureInfo.InvariantCulture);
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
}
