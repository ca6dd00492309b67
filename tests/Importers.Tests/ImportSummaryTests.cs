using TraceTools.Importers;

namespace TraceTools.Tests;

/// <summary>The import summary counts in the right number: <c>1 event</c>, <c>2 events</c>.</summary>
[TestClass]
public sealed class ImportSummaryTests
{
    [TestMethod]
    [DataRow(1L, 1L, 1, "imported 1 event from 1 line into out.trace (1 site, ")]
    [DataRow(2L, 3L, 0, "imported 2 events from 3 lines into out.trace (0 sites, ")]
    public void Describe_Counts_SingularForOne(long events, long lines, int sites, string expected)
    {
        var summary = new ImportSummary { Events = events, Lines = lines, Sites = sites, Skipped = new Dictionary<string, long>() };

        StringAssert.StartsWith(summary.Describe("out.trace").First(), expected);
    }
}
