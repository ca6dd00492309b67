using System.Globalization;

namespace TraceTools.Cli.Reports;

/// <summary>A count with its noun in the right number, for summaries: <c>1 finding</c>, <c>2 findings</c>.</summary>
static class Plural
{
    /// <summary><paramref name="n"/> and <paramref name="noun"/> (singular; its plural adds <c>s</c>).</summary>
    public static string Of(long n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + Noun(n, noun);

    /// <summary><paramref name="noun"/> as the count <paramref name="n"/> wants it.</summary>
    public static string Noun(long n, string noun) => n == 1 ? noun : noun + "s";
}
