namespace TraceTools.Cli.Reports;

/// <summary>
/// A suppression's site pattern: <c>*</c> matches any run of characters, everything else itself (ordinal). Written by
/// hand rather than as a regex: a backtracking <c>.*</c> regex is exponential on <c>*a*a*…*b</c> against a long run of
/// <c>a</c> (its timeout was an internal error), and the non-backtracking engine refuses long patterns (a 4 KiB site).
/// </summary>
/// <remarks>
/// The pattern is its literal pieces between stars: the first must start the site, the last end it, and each one in
/// between is taken at its leftmost place after the previous one. Leftmost is never wrong for stars alone: a match
/// further right leaves less room for the pieces after it. So a match costs at most one <c>IndexOf</c> per piece.
/// </remarks>
public sealed class SiteGlob
{
    readonly string[] _pieces;
    readonly bool _anyStar;

    /// <summary>The pattern <paramref name="pattern"/>.</summary>
    public SiteGlob(string pattern)
    {
        _pieces = pattern.Split('*');
        _anyStar = _pieces.Length > 1;
    }

    /// <summary>True when the whole of <paramref name="site"/> matches.</summary>
    public bool IsMatch(string site)
    {
        if (!_anyStar) return string.Equals(site, _pieces[0], StringComparison.Ordinal);
        string first = _pieces[0], last = _pieces[^1];
        if (first.Length + last.Length > site.Length
            || !site.StartsWith(first, StringComparison.Ordinal) || !site.EndsWith(last, StringComparison.Ordinal))
            return false;
        int at = first.Length, end = site.Length - last.Length;
        for (int p = 1; p < _pieces.Length - 1; p++)
        {
            string piece = _pieces[p];
            int found = site.IndexOf(piece, at, end - at, StringComparison.Ordinal);
            if (found < 0) return false;
            at = found + piece.Length;
        }
        return true;
    }
}
