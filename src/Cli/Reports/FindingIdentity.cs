using System.Text;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>
/// What makes two findings of different runs "the same" for <c>--baseline</c> and SARIF fingerprints: the
/// kind and, role by role, the events' sites (<c>-</c> for an event without one): exactly what groups a
/// report (<see cref="FindingGroup"/>), so a group is one identity. Trace indices and addresses are left
/// out, so recording again or adding events elsewhere keeps it.
/// </summary>
public static class FindingIdentity
{
    /// <summary><c>stale-dma-read|trigger=qm: mailbox fetch|store=qm_set_and_get_xqc: memcpy|publish=qm_mb_write: stp</c>.</summary>
    public static string Of(Finding f, IEventLookup events, TraceMetadata md) => Of(f, index => events[index].Site, md);

    /// <summary>The identity of <paramref name="f"/> from its events' sites read before (<see cref="EventSites"/>).</summary>
    public static string Of(Finding f, EventSites sites, TraceMetadata md) => Of(f, index => sites[index], md);

    static string Of(Finding f, Func<long, int> siteOf, TraceMetadata md)
    {
        var sb = new StringBuilder(f.Kind.Name());
        Append(sb, "trigger", siteOf(f.Trigger), md);
        foreach (var r in f.Related)
        {
            if (r.Index < 0) sb.Append('|').Append(EventText.Role(r)).Append("=-");
            else Append(sb, EventText.Role(r), siteOf(r.Index), md);
        }
        return sb.ToString();
    }

    /// <summary>The identity from the fields of a JSON report's instance (for baselines read back).</summary>
    public static string Of(string kind, IEnumerable<(string Role, string Where)> parts)
    {
        var sb = new StringBuilder(kind);
        foreach (var (role, where) in parts) sb.Append('|').Append(role).Append('=').Append(where);
        return sb.ToString();
    }

    /// <summary>The site, or <c>-</c> when the event has none.</summary>
    public static string WhereOf(TraceMetadata md, in TraceEvent e) => EventText.Site(md, e) ?? "-";

    static void Append(StringBuilder sb, string role, int site, TraceMetadata md) =>
        sb.Append('|').Append(role).Append('=').Append(site >= 0 && site < md.Sites.Count ? md.Sites[site] : "-");
}
