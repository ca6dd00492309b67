using System.Globalization;
using System.Text;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// A suppressions file (<c>--suppressions FILE</c>, docs/reports.md): one entry per line,
/// <c>KIND SITE [# REASON]</c>. KIND is a finding kind or <c>*</c>; SITE is a site as reports print it, with
/// <c>*</c> matching any run of characters (quote it, <c>"..."</c>, to keep a <c>#</c> or leading and trailing
/// blanks); a finding matches when SITE matches the site of its trigger or of one of its related events.
/// Blank lines and lines starting with <c>#</c> are comments.
/// </summary>
public sealed class Suppressions
{
    /// <summary>One line of the file.</summary>
    /// <param name="Line">1-based line number.</param>
    /// <param name="Kind">The kind, or null for <c>*</c>.</param>
    /// <param name="Site">The site pattern as written.</param>
    /// <param name="Reason">The reason after <c>#</c>, or null.</param>
    public sealed record Entry(int Line, FindingKind? Kind, string Site, string? Reason)
    {
        internal SiteGlob Pattern { get; } = new(Site);

        /// <summary>Findings this entry suppressed in the last <see cref="Split"/> (or <c>Apply</c>).</summary>
        public int Matched { get; internal set; }
    }

    /// <summary>The file's path as given.</summary>
    public string Path { get; }

    /// <summary>The entries, in file order.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    Suppressions(string path, List<Entry> entries)
    {
        Path = path;
        Entries = entries;
    }

    /// <summary>Longest line read: a suppressions file is small; anything longer is not one.</summary>
    const int MaxLine = 4096;

    /// <summary>Reads and checks a suppressions file; a bad line is a <see cref="ReportFileException"/> naming file:line:column.</summary>
    public static Suppressions Load(string path)
    {
        if (Files.StandardStreams.IsClosedInputPath(path))
            throw new ReportFileException($"{path}: cannot read the suppressions file: {Files.StandardStreams.InputClosedReason}");
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            return Parse(path, BoundedLines(reader));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportFileException($"{path}: cannot read the suppressions file: {Files.FileError.ReadReason(path, e)}");
        }
    }

    /// <summary>
    /// The lines of <paramref name="reader"/> as <see cref="TextReader.ReadLine"/> splits them, read as they are parsed,
    /// each cut after <see cref="MaxLine"/> + 1 characters, which <see cref="Parse"/> refuses. The whole file was read
    /// first: a file that is not a suppressions file (a binary given by mistake, <c>/dev/zero</c>) was held whole and
    /// ended, under a memory limit, in an out-of-memory message about replay's threads.
    /// </summary>
    static IEnumerable<string> BoundedLines(StreamReader reader)
    {
        var line = new StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c is '\n' or '\r')
            {
                if (c == '\r' && reader.Peek() == '\n') reader.Read();
                yield return line.ToString();
                line.Clear();
                continue;
            }
            if (line.Length > MaxLine)
            {
                yield return line.ToString();
                yield break;
            }
            line.Append((char)c);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    /// <summary>Parses the lines of a suppressions file, stopping at the first bad one.</summary>
    public static Suppressions Parse(string path, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var entries = new List<Entry>();
        int n = -1;
        foreach (string line in lines)
        {
            n++;
            string Where(int col) => string.Create(CultureInfo.InvariantCulture, $"{path}:{n + 1}:{col}");
            if (line.Length > MaxLine) throw new ReportFileException($"{Where(1)}: line longer than {MaxLine} characters");
            string t = line.TrimStart();
            if (t.Length == 0 || t[0] == '#') continue;
            int col = line.Length - t.Length + 1;
            int space = t.IndexOfAny([' ', '\t']);
            string kindText = space < 0 ? t : t[..space];
            FindingKind? kind = null;
            if (kindText != "*")
            {
                if (!FindingKinds.TryParse(kindText, out var k))
                    throw new ReportFileException($"{Where(col)}: unknown finding kind '{Clip(kindText)}' (expected {string.Join(", ", FindingKinds.AllNames)} or *)");
                kind = k;
            }
            string rest = space < 0 ? "" : t[space..].TrimStart();
            int siteCol = line.Length - rest.Length + 1;
            if (rest.Length == 0 || rest[0] == '#')
                throw new ReportFileException($"{Where(siteCol)}: expected a site after the kind (use * for any site)");
            string site;
            string after;
            if (rest[0] == '"')
            {
                int close = rest.IndexOf('"', 1);
                if (close < 0) throw new ReportFileException($"{Where(siteCol)}: unterminated quoted site");
                site = rest[1..close];
                after = rest[(close + 1)..].TrimStart();
                if (after.Length > 0 && after[0] != '#')
                    throw new ReportFileException($"{Where(line.Length - after.Length + 1)}: expected '# reason' or the end of the line after the quoted site");
            }
            else
            {
                int hash = rest.IndexOf(" #", StringComparison.Ordinal);
                int tab = rest.IndexOf("\t#", StringComparison.Ordinal);
                if (tab >= 0 && (hash < 0 || tab < hash)) hash = tab;
                site = (hash < 0 ? rest : rest[..hash]).TrimEnd();
                after = hash < 0 ? "" : rest[(hash + 1)..];
            }
            string? reason = after.StartsWith('#') ? after[1..].Trim() : null;
            entries.Add(new Entry(n + 1, kind, site, string.IsNullOrEmpty(reason) ? null : reason));
        }
        return new Suppressions(path, entries);
    }

    static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "...";

    /// <summary>The first entry that matches <paramref name="f"/>, or null.</summary>
    public Entry? Match(Finding f, IEventLookup events, TraceMetadata md) => Match(f, EventSites.Read([f], events), md);

    /// <summary>The first entry that matches <paramref name="f"/>, from its events' sites read before (<see cref="EventSites"/>), or null.</summary>
    public Entry? Match(Finding f, EventSites sites, TraceMetadata md) => Match(f.Kind, f.Trigger, f.Related, sites, md);

    /// <summary>The first entry that matches a finding of <paramref name="kind"/> at <paramref name="trigger"/> with <paramref name="related"/>, or null.</summary>
    Entry? Match(FindingKind kind, long trigger, ReadOnlySpan<RelatedEvent> related, EventSites siteOf, TraceMetadata md)
    {
        var sites = SitesOf(md);
        int first = sites.First(siteOf[trigger], kind);
        foreach (var r in related)
            if (r.Index >= 0) first = Math.Min(first, sites.First(siteOf[r.Index], kind));
        return first == SuppressionSites.None ? null : Entries[first];
    }

    /// <summary>The site index of the trace <paramref name="md"/> describes (`check` applies one file to many traces).</summary>
    SuppressionSites SitesOf(TraceMetadata md)
    {
        if (_sites is null || !ReferenceEquals(_sites.Metadata, md)) _sites = new SuppressionSites(Entries, md);
        return _sites;
    }

    SuppressionSites? _sites;

    /// <summary>Splits <paramref name="findings"/> into those kept and the count suppressed, counting per entry.</summary>
    public (IReadOnlyList<Finding> Kept, int Suppressed) Apply(IReadOnlyList<Finding> findings, IEventLookup events, TraceMetadata md) =>
        Apply(findings, EventSites.Read(findings, events), md);

    /// <summary>
    /// <see cref="Apply(IReadOnlyList{Finding}, IEventLookup, TraceMetadata)"/> from the sites of the findings' events
    /// read before.
    /// </summary>
    public (IReadOnlyList<Finding> Kept, int Suppressed) Apply(IReadOnlyList<Finding> findings, EventSites sites, TraceMetadata md)
    {
        var (kept, _) = Split(findings, sites, md, keepSuppressed: false);
        return (kept, findings.Count - kept.Count);
    }

    /// <summary>
    /// Splits <paramref name="findings"/> into those kept and those suppressed (kept too when
    /// <paramref name="keepSuppressed"/>: SARIF lists them, marked suppressed), counting per entry; of a
    /// <see cref="FindingStore"/> both are views of it.
    /// </summary>
    public (IReadOnlyList<Finding> Kept, IReadOnlyList<Finding>? Suppressed) Split(IReadOnlyList<Finding> findings, EventSites sites,
        TraceMetadata md, bool keepSuppressed)
    {
        foreach (var e in Entries) e.Matched = 0;
        var kept = new KeptFindings(findings);
        var dropped = keepSuppressed ? new KeptFindings(findings) : null;
        Span<RelatedEvent> related = stackalloc RelatedEvent[FindingStore.MaxRelated];
        for (int i = 0; i < findings.Count; i++)
        {
            int n = FindingFields.RelatedCountAt(findings, i);
            for (int k = 0; k < n; k++) related[k] = FindingFields.RelatedAt(findings, i, k);
            if (Match(FindingFields.KindAt(findings, i), FindingFields.TriggerAt(findings, i), related[..n], sites, md) is { } e)
            {
                e.Matched++;
                dropped?.Keep(i, findings);
            }
            else kept.Keep(i, findings);
        }
        return (kept.Findings, dropped?.Findings);
    }

    /// <summary>The per-entry counts, one line each: <c>  supp.txt:2  stale-dma-read "qm_mb_write: stp"  2  # reason</c>.</summary>
    public IEnumerable<string> CountLines()
    {
        foreach (var e in Entries)
        {
            if (e.Matched == 0) continue;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {Path}:{e.Line}  {(e.Kind is { } k ? k.Name() : "*")} \"{e.Site}\": {e.Matched} suppressed{(e.Reason is null ? "" : "  # " + e.Reason)}");
        }
    }

    /// <summary>
    /// The entries that matched no finding of this run, one line each (<c>  supp.txt:2  stale-dma-read "x"</c>), as
    /// linters list unused suppressions: a bug fixed since, or a site renamed, leaves an entry that would hide the
    /// next finding of its pattern unseen. An entry of a kind whose detector did not run (<c>--detectors</c>:
    /// <paramref name="ran"/>, null for all) could not match: not listed.
    /// </summary>
    public IEnumerable<string> UnusedLines(IReadOnlySet<FindingKind>? ran = null)
    {
        foreach (var e in Entries)
        {
            if (e.Matched != 0 || (ran is not null && e.Kind is { } kind && !ran.Contains(kind))) continue;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {Path}:{e.Line}  {(e.Kind is { } k ? k.Name() : "*")} \"{e.Site}\"{(e.Reason is null ? "" : "  # " + e.Reason)}");
        }
    }
}
