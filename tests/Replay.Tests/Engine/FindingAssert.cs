using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Engine;

static class FindingAssert
{
    /// <summary>Asserts the findings are exactly <paramref name="expected"/> (in the compact form of <see cref="Finding.ToString"/>).</summary>
    public static void Exactly(IReadOnlyList<Finding> findings, params string[] expected) =>
        Assert.AreEqual(string.Join(" ", expected), TraceBuilder.Describe(findings));

    public static void None(IReadOnlyList<Finding> findings) => Exactly(findings);

    public static int Count(IReadOnlyList<Finding> findings, FindingKind kind) => findings.Count(f => f.Kind == kind);
}
