namespace TraceTools.Tests.EndToEnd;

/// <summary>A mistyped verb or option is refused (exit 2) with the nearest known one, as the scenario language answers a typo.</summary>
[TestClass]
public sealed class UsageSuggestionTests
{
    [TestMethod]
    public void UnknownVerb_NamesTheNearest()
    {
        var (exit, _, err) = RepoPaths.Run("replya", "x.trace");
        Assert.AreEqual(2, exit);
        StringAssert.StartsWith(err, "tracetools: unknown verb 'replya' (did you mean 'replay'?)\n");
    }

    [TestMethod]
    [DataRow("replay", "--formt", "--format")]
    [DataRow("replay", "--suppresions", "--suppressions")]
    [DataRow("gen", "--chunk-event", "--chunk-events")]
    [DataRow("check", "--no-expects", "--no-expect")]
    [DataRow("export", "--fromat", "--format")]
    [DataRow("gen", "--ouptut", "--output")] // an alias (of -o)
    public void UnknownOption_NamesTheNearestOfTheVerbsOwn(string verb, string typo, string meant)
    {
        string trace = Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace");
        string input = verb is "gen" or "check" ? Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.scn") : trace;
        var (exit, _, err) = RepoPaths.Run(verb, input, typo, "json");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"unknown option '{typo}' (did you mean '{meant}'?)");
    }

    [TestMethod]
    public void NothingNear_NoSuggestion()
    {
        var (exit, _, err) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--zzzzzz");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "unknown option '--zzzzzz'\n");
        var verb = RepoPaths.Run("qqqqqq");
        StringAssert.StartsWith(verb.Err, "tracetools: unknown verb 'qqqqqq'\n");
    }
}
