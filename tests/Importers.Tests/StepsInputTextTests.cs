using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// What a steps file holds beyond its steps, taken as every importer takes it (docs/recording.md): sites over
/// 4096 bytes cut and control characters as '?' (a scenario for gen refuses both), a UTF-8 byte order mark
/// at its start; and a declaration in it is refused naming the layout the declarations come from.
/// </summary>
[TestClass]
public sealed class StepsInputTextTests
{
    const string Layout = "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n";

    /// <summary>A site as written and as kept, by a short name (the texts are too long to show as test names).</summary>
    static (string Site, string Kept) Case(string name) => name switch
    {
        "4997 bytes" => (new string('s', 4997), new string('s', 4096)),
        "a character across byte 4096" => (new string('s', 4094) + "€", new string('s', 4094)),
        "C0 controls" => ("a\u0001b\u0001c", "a?b?c"),
        "a C1 control" => ("nel\u0085here", "nel?here"),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    // Each line in both shapes: the first is dump's (the fast path), the second needs the full parser.
    [TestMethod]
    [DataRow("4997 bytes")]
    [DataRow("a character across byte 4096")]
    [DataRow("C0 controls")]
    [DataRow("a C1 control")]
    public void Import_SiteTheHeaderCannotHoldAsGiven_KeptAsImportersKeepSites(string name)
    {
        var (site, kept) = Case(name);
        using var h = new ImportHarness();
        string steps = $"cpu0: store buf size 4 = 1 @ \"{site}\"\ncpu0: store buf + (2 * 2) size 4 = 1 @ \"{site}\"\n";

        var events = h.Run("steps", Layout, [("long.steps", steps)]);

        Assert.HasCount(2, events);
        Assert.AreEqual(kept, events[0].Site);
        Assert.AreEqual(kept, events[1].Site);
        // A scenario still refuses it: there rejecting is the contract.
        Assert.ThrowsExactly<ScenarioException>(() => ScenarioCompiler.Compile(Layout + steps, "x.scn"));
    }

    [TestMethod]
    public void Import_ByteOrderMarkAtTheStart_Skipped()
    {
        using var h = new ImportHarness();

        var events = h.Run("steps", Layout, [("bom.steps", "\uFEFFcpu0: store buf size 4 = 1\ncpu0: barrier dma_wmb\n")]);

        Assert.HasCount(2, events);
        Assert.AreEqual(EventKind.Store, events[0].Kind);
    }

    [TestMethod]
    public void Import_ByteOrderMarkPastTheStart_StillAnError()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ScenarioException>(() => h.Run("steps", Layout, [("bom.steps", "cpu0: barrier dma_wmb\n\uFEFFcpu0: store buf size 4 = 1\n")]));
        Assert.AreEqual((2, 1), (e.Line, e.Column), e.Message);
        StringAssert.Contains(e.Message, "unexpected character");
    }

    [TestMethod]
    public void Import_Declaration_ErrorNamesTheLayout()
    {
        using var h = new ImportHarness();
        var e = Assert.ThrowsExactly<ScenarioException>(() => h.Run("steps", Layout, [("decl.steps", "cpu cpu2\n")]));
        string layout = Path.Combine(h.Dir, "layout.scn");
        Assert.AreEqual($"{Path.Combine(h.Dir, "decl.steps")}:1:1: declaration 'cpu' in a steps input: the declarations come from the layout ({layout})", e.Message);
    }
}
