using static TraceTools.Tests.Samples;

namespace TraceTools.Tests;

/// <summary>A site's control characters become '?' in every importer, C1 controls (U+0080..U+009F) included.</summary>
[TestClass]
public sealed class SiteTextTests
{
    // U+0085 (NEL) passed the importers' check, and the trace writer then refused the header: an internal error.
    [TestMethod]
    [DataRow("\u0085", "b?+0x1/0x2")]
    [DataRow("\u009f", "b?+0x1/0x2")]
    [DataRow("\u007f", "b?+0x1/0x2")]
    [DataRow("\u00a0", "b\u00a0+0x1/0x2")] // not a control character: kept
    public void Import_CallerWithAControlCharacter_KeptWithQuestionMark(string control, string kept)
    {
        using var h = new ImportHarness();
        string line = Trace("t", 1, 0, ".....", 1, "rwmmio_write", RwmmioWrite("a+0x1/0x2", "b" + control + "+0x1/0x2", 32, 1, 0xffff800010000000));

        var events = h.Run("ftrace", NicLayout, [("trace", line)]);

        Assert.IsNotEmpty(events);
        Assert.IsTrue(events.All(e => e.Site == kept), string.Join(", ", events.Select(e => e.Site)));
    }
}
