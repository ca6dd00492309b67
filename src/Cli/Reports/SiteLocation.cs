using System.Globalization;
using System.Text.RegularExpressions;

namespace TraceTools.Cli.Reports;

/// <summary>How a site string reads: a source line, a symbol and offset, or free text.</summary>
public enum SiteForm
{
    /// <summary>No site, or text that is neither of the others (<c>qm_mb_write: stp</c>).</summary>
    Text,
    /// <summary>
    /// <c>file:line</c> or <c>file:line:col</c> (<c>drivers/iommu/intel/pasid.c:212:5</c>), optionally followed by the
    /// function (<c>rx.c:120 nic_poll</c>); directories may hold spaces (<c>drivers/net/my driver/rx.c:120</c>).
    /// </summary>
    SourceLine,
    /// <summary>A kernel-style code address, <c>func+0x44/0x1a0</c>, optionally with <c> [module]</c>.</summary>
    SymbolOffset,
}

/// <summary>
/// A site (the free-form code location the trace records per event) read as a code location, for SARIF:
/// a source line maps to a file and region, a symbol offset to a function's logical location and address,
/// free text to nothing but its words (docs/reports.md "Sites in SARIF").
/// </summary>
/// <param name="Form">Which form the site has.</param>
/// <param name="Text">The site as recorded (null when the event has none).</param>
/// <param name="File">The source file of a <see cref="SiteForm.SourceLine"/>.</param>
/// <param name="Line">Its 1-based line.</param>
/// <param name="Column">Its 1-based column, or 0 when not given.</param>
/// <param name="Function">The function of a <see cref="SiteForm.SymbolOffset"/>, or the one named after a <see cref="SiteForm.SourceLine"/> (else null).</param>
/// <param name="Offset">The offset into the function.</param>
/// <param name="Length">The function's length, or 0 when not given.</param>
/// <param name="Module">The module in brackets after it, or null.</param>
public sealed partial record SiteLocation(
    SiteForm Form, string? Text, string? File = null, int Line = 0, int Column = 0,
    string? Function = null, ulong Offset = 0, ulong Length = 0, string? Module = null)
{
    // PATH:LINE[:COL] [FUNCTION], the whole site. Directories may hold spaces (build trees and addr2line's absolute
    // paths do), but not the text before the first '/' nor the file name, so that prose ending in a location
    // ("memcpy in qm.c:612", "memcpy in drivers/qm.c:612") stays text instead of naming a file "memcpy in ...".
    // One identifier after the location is its function, as kernel traces print it ("rx.c:120 nic_poll"; GCC's
    // clones "foo.isra.0" too); any other words after it make the site text.
    [GeneratedRegex(@"^(?<file>(?:[^\s:/]*/(?:[^:/]*/)*)?[^\s:/]+\.[A-Za-z0-9_]+):(?<line>[1-9][0-9]{0,8})(:(?<col>[1-9][0-9]{0,5}))?( +(?<func>[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*))?$")]
    private static partial Regex FileLine();

    [GeneratedRegex(@"^(?<func>[A-Za-z_.$][A-Za-z0-9_.$]*)\+0x(?<off>[0-9a-fA-F]{1,16})(/0x(?<len>[0-9a-fA-F]{1,16}))?( \[(?<mod>[A-Za-z0-9_-]+)\])?$")]
    private static partial Regex SymbolOffsetForm();

    /// <summary>Reads <paramref name="site"/> (null: no site).</summary>
    public static SiteLocation Parse(string? site)
    {
        if (site is null) return new(SiteForm.Text, null);
        var m = FileLine().Match(site);
        if (m.Success)
        {
            return new(SiteForm.SourceLine, site, m.Groups["file"].Value, Int(m.Groups["line"].Value),
                m.Groups["col"].Success ? Int(m.Groups["col"].Value) : 0, Function: m.Groups["func"].Success ? m.Groups["func"].Value : null);
        }
        m = SymbolOffsetForm().Match(site);
        if (m.Success)
        {
            return new(SiteForm.SymbolOffset, site, Function: m.Groups["func"].Value, Offset: Hex(m.Groups["off"].Value),
                Length: m.Groups["len"].Success ? Hex(m.Groups["len"].Value) : 0,
                Module: m.Groups["mod"].Success ? m.Groups["mod"].Value : null);
        }
        return new(SiteForm.Text, site);
    }

    static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    static ulong Hex(string s) => ulong.Parse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
