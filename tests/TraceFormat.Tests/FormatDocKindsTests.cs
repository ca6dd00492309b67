using System.Text.RegularExpressions;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// docs/trace-format.md's "Kind byte" paragraph is what another writer (the C recorder, an importer) encodes by:
/// these keep its numbers those of <see cref="EventKind"/>. The nibble list names kinds 0..14, the extension list
/// kinds 15 + byte, and the agent sentence which of them a cpu performs.
/// </summary>
[TestClass]
public sealed partial class FormatDocKindsTests
{
    static readonly string Doc = ReadDoc();

    static string ReadDoc()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "TraceTools.sln")))
                return File.ReadAllText(Path.Combine(d.FullName, "docs", "trace-format.md")).Replace("\r\n", "\n");
        throw new InvalidOperationException("TraceTools.sln not found above the test directory");
    }

    [GeneratedRegex(@"the `EventKind` 0\.\.14 \((?<list>[^)]*)\)")]
    private static partial Regex NibbleList();

    [GeneratedRegex(@"the kind is\s+15 \+ the event's byte in the E column \((?<list>[^;)]*)[;)]")]
    private static partial Regex ExtensionList();

    [GeneratedRegex(@"Kinds (?<cpu>[0-9.]+ and [0-9.]+) are cpu events and must be by a cpu agent; (?<device>[0-9.]+) by a device agent")]
    private static partial Regex AgentSentence();

    /// <summary>"0 store, 1 load, …" as (number, name) pairs.</summary>
    static IEnumerable<(int Number, string Name)> Pairs(Regex list)
    {
        var m = list.Match(Doc);
        Assert.IsTrue(m.Success, $"docs/trace-format.md no longer has the list {list}");
        return m.Groups["list"].Value.Split(',').Select(item =>
        {
            var parts = Regex.Replace(item.Trim(), @"\s+", " ").Split(' ', 2);
            return (int.Parse(parts[0]), parts[1]);
        });
    }

    /// <summary>A doc's spelling of a kind (<c>mmio_write</c>, <c>firmware call</c>) against the member's name.</summary>
    static bool Names(string spelled, EventKind kind) =>
        string.Equals(spelled.Replace("_", "").Replace(" ", ""), kind.ToString(), StringComparison.OrdinalIgnoreCase);

    static IEnumerable<int> Range(string text)
    {
        var ends = text.Split("..");
        return Enumerable.Range(int.Parse(ends[0]), int.Parse(ends[1]) - int.Parse(ends[0]) + 1);
    }

    [TestMethod]
    public void KindByte_NibbleList_NamesKinds0To14InOrder()
    {
        var pairs = Pairs(NibbleList()).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, 15).ToList(), pairs.Select(p => p.Number).ToList());
        foreach (var (n, name) in pairs) Assert.IsTrue(Names(name, (EventKind)n), $"nibble {n} is {(EventKind)n}, the doc says '{name}'");
    }

    [TestMethod]
    public void KindByte_ExtensionList_NamesEveryKindFrom15()
    {
        var pairs = Pairs(ExtensionList()).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, EventKinds.Count - 15).ToList(), pairs.Select(p => p.Number).ToList());
        foreach (var (n, name) in pairs) Assert.IsTrue(Names(name, (EventKind)(15 + n)), $"byte {n} is {(EventKind)(15 + n)}, the doc says '{name}'");
        Assert.Contains($"a byte above {EventKinds.Count - 16} is an\nerror", Doc);
    }

    [TestMethod]
    public void AgentSentence_CpuAndDeviceKinds_AsIsCpuEvent()
    {
        var m = AgentSentence().Match(Doc);
        Assert.IsTrue(m.Success, "docs/trace-format.md no longer says which kinds a cpu performs");
        var cpu = m.Groups["cpu"].Value.Split(" and ").SelectMany(Range).ToHashSet();
        var device = Range(m.Groups["device"].Value).ToHashSet();
        for (int k = 0; k < EventKinds.Count; k++)
        {
            var kind = (EventKind)k;
            Assert.AreEqual(kind.IsCpuEvent(), cpu.Contains(k), $"{kind}: the doc's cpu kinds");
            Assert.AreEqual(!kind.IsCpuEvent(), device.Contains(k), $"{kind}: the doc's device kinds");
        }
    }
}
