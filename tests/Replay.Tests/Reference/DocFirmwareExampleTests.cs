using System.Text.RegularExpressions;
using TraceTools.Detectors;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>The smccc-clobber example of docs/model.md §12, read from the doc: the finding it states, and none for its fix.</summary>
[TestClass]
public sealed partial class DocFirmwareExampleTests
{
    [GeneratedRegex(@"### `smccc-clobber` \(error\).*?```\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ClobberExample();

    static string DocExample()
    {
        var m = ClobberExample().Match(Docs.RepoFiles.Doc("model.md"));
        Assert.IsTrue(m.Success, "docs/model.md has the smccc-clobber example");
        // The doc's examples share the header of §4 (cpu cpu0): declare it after 'arch'.
        return m.Groups["code"].Value.Replace("arch arm64\n", "arch arm64\ncpu cpu0\n", StringComparison.Ordinal);
    }

    static string Findings(string scenario)
    {
        var compiled = ScenarioCompiler.Compile(scenario, "model.md");
        var events = new EventBatch(8);
        events.Reset(0);
        compiled.Generate(events);
        var data = Enumerable.Range(0, events.Count).Select(i => new RefEvent(events[i], events.GetData(i).ToArray())).ToList();
        string reference = string.Join(" ", ReferenceModel.Run(new RefTrace(compiled.Metadata, data)));
        var engine = DetectorRegistry.CreateEngine(compiled.Metadata);
        engine.Process(events);
        Assert.AreEqual(reference, string.Join(" ", engine.Complete()), "engine and reference");
        return reference;
    }

    [TestMethod]
    public void Doc_SmcccClobber_TheStatedFinding()
    {
        string text = DocExample();
        StringAssert.Contains(text, "# smccc-clobber at #3, call #0");
        Assert.AreEqual("smccc-clobber@3[call=0]", Findings(text));
    }

    [TestMethod]
    public void Doc_SmcccClobber_TheStatedFixReportsNothing()
    {
        string text = DocExample();
        var lines = text.Split('\n').ToList();
        int last = lines.FindLastIndex(l => l.StartsWith("cpu0: ret", StringComparison.Ordinal));
        lines[last] = "cpu0: ret same x0=0x84000070 x1=0x80010000 x4=0x44"; // the fix the doc gives
        Assert.AreEqual("", Findings(string.Join('\n', lines)));
    }
}
