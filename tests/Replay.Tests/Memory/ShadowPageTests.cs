using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>The lazily owned release column: pages share one zero array until they write, and never write it.</summary>
[TestClass]
public sealed class ShadowPageTests
{
    [TestMethod]
    public void OwnReleases_WriteOnOnePage_OtherPagesStayZero()
    {
        var written = new ShadowPage();
        var untouched = new ShadowPage();
        written.OwnReleases()[17] = 5;
        Assert.AreEqual(5, written.Release[17]);
        Assert.AreEqual(0, untouched.Release[17]);
        Assert.AreEqual(0, new ShadowPage().Release[17]);
        Assert.AreSame(written.Release, written.OwnReleases(), "owning twice keeps the first copy");
    }
}
