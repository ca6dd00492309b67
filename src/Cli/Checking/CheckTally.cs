using System.Globalization;
using TraceTools.Cli.Reports;

namespace TraceTools.Cli.Checking;

/// <summary>The options of <c>check</c> beyond <c>--set</c>.</summary>
/// <param name="Exact"><c>--exact</c>: a finding no expect line names fails the scenario.</param>
/// <param name="NoExpect"><c>--no-expect</c>: a scenario without expect lines prints its findings instead of failing.</param>
/// <param name="Quiet"><c>--quiet</c>: only FAIL lines.</param>
/// <param name="Explain"><c>--explain</c>: under a FAIL line, the failing scenario's findings, as replay reports them.</param>
/// <param name="Suppressions"><c>--suppressions FILE</c>, or null.</param>
/// <param name="MaxEvents"><c>--max-events N</c>: the scenario budget (events and repeat iterations).</param>
public sealed record CheckOptions(bool Exact, bool NoExpect, bool Quiet, Reports.Suppressions? Suppressions, long MaxEvents, bool Explain = false);

/// <summary>What <c>check</c> counts: passed, failed (an expectation failed, or an error), reported, suppressed; and its exit code.</summary>
public sealed class CheckTally
{
    /// <summary>Scenarios whose expectations held.</summary>
    public int Passed { get; set; }

    /// <summary>Scenarios that failed: an expectation failed, or an error (see <see cref="Errors"/>).</summary>
    public int Failed { get; set; }

    /// <summary>Of <see cref="Failed"/>: no expect lines, does not compile, missing file, empty folder.</summary>
    public int Errors { get; private set; }

    /// <summary>Scenarios without expect lines run with <c>--no-expect</c>.</summary>
    public int Reported { get; set; }

    /// <summary>Findings left out by <c>--suppressions</c>.</summary>
    public int Suppressed { get; set; }

    /// <summary>Counts an error: a failure that makes the exit code 2.</summary>
    public void Error()
    {
        Failed++;
        Errors++;
    }

    /// <summary>2 after an error, else 1 after a failed expectation, else 0.</summary>
    public int Exit => Errors > 0 ? CommandLine.BadInput : Failed > 0 ? CommandLine.Findings : CommandLine.Ok;

    /// <summary><c>31 passed, 1 failed</c>, then the reported and suppressed counts when there are any.</summary>
    public string Summary
    {
        get
        {
            var s = string.Create(CultureInfo.InvariantCulture, $"{Passed} passed, {Failed} failed");
            if (Reported > 0) s += string.Create(CultureInfo.InvariantCulture, $", {Reported} without expect lines (--no-expect)");
            if (Suppressed > 0) s += string.Create(CultureInfo.InvariantCulture, $", {Plural.Of(Suppressed, "finding")} suppressed");
            return s;
        }
    }
}
