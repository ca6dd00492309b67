using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>The store_release, load_acquire and xchg steps (issue 10 item 4): events, errors and dump.</summary>
[TestClass]
public sealed class AcquireReleaseOpTests
{
    [TestMethod]
    public void Steps_StoreReleaseLoadAcquireXchg_OneEventEachWithTheirBytes()
    {
        var b = Gen.Events(Gen.Header + """
            cpu0: store_release flag size 4 = 0x01020304 @ "rel"
            cpu0: load_acquire flag size 4
            cpu0: xchg flag + 8 size 8 = 0x7
            cpu0: load_acquire flag + 8 size 2
            """ + "\n");
        Assert.AreEqual(4, b.Count);
        CollectionAssert.AreEqual(new[] { EventKind.StoreRelease, EventKind.LoadAcquire, EventKind.Xchg, EventKind.LoadAcquire },
            b.Kinds.AsSpan(0, 4).ToArray());
        Assert.AreEqual((0x2000UL, 4, 0), (b.Addresses[0], b.Sizes[0], b.Sites[0]));
        CollectionAssert.AreEqual(new byte[] { 4, 3, 2, 1 }, b.GetData(0).ToArray());
        CollectionAssert.AreEqual(new byte[] { 4, 3, 2, 1 }, b.GetData(1).ToArray(), "the acquire records what it read");
        CollectionAssert.AreEqual(new byte[] { 7, 0, 0, 0, 0, 0, 0, 0 }, b.GetData(2).ToArray());
        CollectionAssert.AreEqual(new byte[] { 7, 0 }, b.GetData(3).ToArray(), "xchg changed the image like a store");
    }

    [TestMethod]
    [DataRow("cpu0: store_release flag size 4", 8, 32, "expected '= VALUE' or 'bytes \"HEX\"'")]
    [DataRow("cpu0: xchg flag size 4", 8, 23, "expected '= VALUE' or 'bytes \"HEX\"'")]
    [DataRow("cpu0: store_release regs size 4 = 1", 8, 21, "'store_release' may not touch mmio region 'regs'")]
    [DataRow("cpu0: load_acquire regs size 4", 8, 20, "'load_acquire' may not touch mmio region 'regs'")]
    [DataRow("dev: xchg flag size 4 = 1", 8, 6, "'xchg' is a cpu op but 'dev' is a device")]
    [DataRow("cpu0: xchg flag size 2 = 0x10000", 8, 26, "does not fit in 2 bytes")]
    [DataRow("cpu0: load_aquire flag size 4", 8, 7, "unknown op 'load_aquire' (did you mean 'load_acquire'?)")]
    public void Steps_Malformed_OneLineErrorAtTheToken(string step, int line, int column, string message)
    {
        var e = Gen.Error(Gen.Header + step + "\n");
        Assert.AreEqual((line, column), (e.Line, e.Column), e.Message);
        Assert.Contains(message, e.Message);
    }

    [TestMethod]
    public void Dump_OfTheNewSteps_PrintsThemAndRoundTrips()
    {
        var s = Gen.Compile(Gen.Header + """
            cpu0: store_release buf + 8 size 8 = 0x11 @ "r"
            cpu0: load_acquire tab[1] + 8 size 8
            cpu0: xchg tab[1] size 8 bytes "0100000000000000"
            """ + "\n");
        var events = Gen.Events(s);
        string text = ScenarioWriter.Write(s.Metadata, events);
        StringAssert.Contains(text, "cpu0: store_release buf + 0x8 size 8 = 0x11 @ \"r\"", text);
        StringAssert.Contains(text, "cpu0: load_acquire tab[1] + 8 size 8");
        StringAssert.Contains(text, "cpu0: xchg tab[1] size 8 = 0x1");
        var again = Gen.Events(Gen.Compile(text));
        SampleTests.AssertSameStream(s.Metadata, events, s.Metadata, again);
    }
}
