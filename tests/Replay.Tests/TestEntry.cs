using TraceTools.Replay.Clocks;
using TraceTools.Replay.Memory;
using TraceTools.Tests.Reference;

namespace TraceTools.Tests;

/// <summary>
/// This test assembly's entry point (the project turns off the one Microsoft.NET.Test.Sdk generates): what a test
/// runs in a child process (<see cref="RunChild"/>) because it needs a process of its own environment, e.g. the
/// kernels <c>TRACETOOLS_SIMD</c> picks once per process. The test host never calls it.
/// </summary>
static class TestEntry
{
    /// <summary><c>differential FIRST COUNT</c> (see <see cref="DifferentialTests.Check"/>); exit 2 on anything else.</summary>
    static int Main(string[] args)
    {
        if (args is ["differential", var first, var count])
        {
            // What the environment picked, for the parent to check it reached the child.
            Console.Out.WriteLine($"kernels: word cells {(WordCells.Vectorized ? "vector" : "scalar")}, clocks {ClockSimdSelector.Default}");
            var (failures, decoded) = DifferentialTests.Check(int.Parse(first, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
            foreach (var f in failures) Console.Out.WriteLine(f);
            Console.Out.WriteLine($"{failures.Count} failures; {decoded} traces also replayed from a written trace");
            return failures.Count == 0 ? 0 : 1;
        }
        Console.Error.WriteLine("usage: Replay.Tests differential FIRST COUNT");
        return 2;
    }

    /// <summary>Runs this assembly's <see cref="Main"/> in a child process with <paramref name="environment"/> set (null values removed).</summary>
    public static (int Exit, string Out, string Err) RunChild(IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout) =>
        TestEntryChild.Run(typeof(TestEntry).Assembly.Location, args, environment, timeout);
}
