using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>The lazily owned columns: pages share one zero array until they write, and never write it.</summary>
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

    [TestMethod]
    public void OwnCacheState_MarkOnOnePage_OtherPagesStayZero()
    {
        var marked = new ShadowPage();
        var untouched = new ShadowPage();
        Assert.IsFalse(marked.HasCacheState);
        marked.OwnCacheState();
        marked.CleanTime[3] = 9;
        marked.InvalidatedBy[4] = 1;
        var clean = marked.CleanTime;
        marked.OwnCacheState();
        Assert.IsTrue(marked.HasCacheState);
        Assert.AreSame(clean, marked.CleanTime, "owning twice keeps the marks");
        Assert.AreEqual(9u, marked.CleanTime[3]);
        Assert.AreEqual(0u, untouched.CleanTime[3]);
        Assert.AreEqual(0UL, untouched.InvalidatedBy[4]);
    }
}
