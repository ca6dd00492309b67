using System.Diagnostics;
using System.Text;
using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// Fixed-seed fuzzing of the CLI verbs, in-process: scenario token mutations through gen and check, trace
/// byte mutations through replay, info and dump, and gen onto several kinds of output target. Every run
/// must exit 0, 1 or 2; a failure is one line with no exception or stack trace; each run allocates under
/// a cap; an output is either a complete trace or the file it replaced, untouched, and no temp file stays.
/// </summary>
[TestClass]
public sealed class CliFuzzTests
{
    const int Seed = 12;
    const int ScenarioRuns = 800;
    const int TraceRuns = 800;
    const long AllocationCap = 256L << 20;
    const string Sentinel = "previous contents";

    static readonly string[] Scenarios = [.. Directory.GetFiles(RepoPaths.Samples, "*.scn").Order(StringComparer.Ordinal).Select(File.ReadAllText)];
    static readonly byte[][] Traces = [.. Directory.GetFiles(RepoPaths.Samples, "*.trace").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    static readonly string[] Splices =
    [
        "99999999999999999999", "0x", "1__0", "(", ")", "{", "}", "[", "]", "-", "~", "@", "\"", "\"\t\"", "\"a\0b\"",
        "repeat 1_000_000_000_000 as zz {", "repeat 4_000_000 as zz {\ncpu0: barrier dma_wmb\n}", new string('(', 300),
        new string('x', 5000), "\"" + new string('s', 5000) + "\"", "size 0", "size 4097", "entries 0x1000_0000_0000_0000",
        "0xffff_ffff_ffff_ffff", "expect", "let", "cpu", "device", "ram", "table", "mmio", "sync", "as", "all", "\n", "#",
    ];

    [TestMethod]
    public void Fuzz_ScenarioTokenMutationsAndOutputTargets_CleanExitsAndIntactFiles()
    {
        var rng = new Random(Seed);
        using var s = new Scratch();
        for (int run = 0; run < ScenarioRuns; run++)
        {
            string text = MutateScenario(Scenarios[rng.Next(Scenarios.Length)], rng);
            string scn = s.Write($"m{run}.scn", text);
            if (run % 4 == 3)
            {
                RunMeasured(["check", scn, "--max-events", "1000000"], $"run {run} (check)");
                continue;
            }
            var (target, check) = PrepareTarget(s, run, rng);

            var (exit, err) = RunMeasured(["gen", scn, "-o", target, "--max-events", "1000000"], $"run {run}");

            check(exit);
            Assert.IsEmpty(Directory.GetFiles(s.Dir, "*.tmp-*"), $"run {run}: a temp file stayed; {err}");
        }
    }

    [TestMethod]
    public void Fuzz_TraceMutations_CleanExitsOneLineErrors()
    {
        var rng = new Random(Seed + 1);
        using var s = new Scratch();
        string[] verbs = ["replay", "info", "dump"];
        for (int run = 0; run < TraceRuns; run++)
        {
            byte[] bytes = MutateTrace(Traces[rng.Next(Traces.Length)], rng);
            string trace = s.Path($"t{run}.trace");
            File.WriteAllBytes(trace, bytes);
            string verb = verbs[run % verbs.Length];
            string[] args = verb == "replay" ? [verb, trace, "--threads", "1", "--quiet"] : verb == "dump" && run % 2 == 0 ? [verb, trace, "--from", "3"] : [verb, trace];

            RunMeasured(args, $"run {run} ({verb}, {bytes.Length} bytes)");
        }
    }

    /// <summary>Runs the CLI in-process: exit 0, 1 or 2, clean messages, one line on exit 2, allocation under the cap.</summary>
    internal static (int Exit, string Err) RunMeasured(string[] args, string what)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        long before = GC.GetAllocatedBytesForCurrentThread();
        int exit = Cli.CommandLine.Run(args, o, e);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        string err = e.ToString();

        Assert.IsTrue(exit is 0 or 1 or 2, $"{what}: exit {exit}");
        HardeningAsserts.CleanMessages(err);
        if (exit == 2) Assert.HasCount(1, err.Split('\n', StringSplitOptions.RemoveEmptyEntries), $"{what}: {err}");
        Assert.IsLessThan(AllocationCap, allocated, $"{what}: allocated {allocated} bytes");
        return (exit, err);
    }

    /// <summary>An output target of one of several kinds, and the check of what must hold after the run.</summary>
    static (string Target, Action<int> Check) PrepareTarget(Scratch s, int run, Random rng)
    {
        string path = s.Path($"o{run}.trace");
        switch (rng.Next(5))
        {
            case 0: // a new file
                return (path, exit => { if (exit == 0) AssertTrace(path); else Assert.IsFalse(File.Exists(path), $"run {run}: half-written output"); });
            case 1: // an existing file: replaced whole, or untouched
                File.WriteAllText(path, Sentinel);
                return (path, exit => { if (exit == 0) AssertTrace(path); else Assert.AreEqual(Sentinel, File.ReadAllText(path), $"run {run}: output destroyed"); });
            case 2: // a symlink: its target written, the link kept
            {
                string real = s.Path($"real{run}.trace");
                File.WriteAllText(real, Sentinel);
                File.CreateSymbolicLink(path, Path.GetFileName(real));
                return (path, exit =>
                {
                    Assert.IsNotNull(new FileInfo(path).LinkTarget, $"run {run}: the link was replaced");
                    if (exit == 0) AssertTrace(real); else Assert.AreEqual(Sentinel, File.ReadAllText(real), $"run {run}: output destroyed");
                });
            }
            case 3: // a directory: refused, left alone
                Directory.CreateDirectory(path);
                return (path, exit => Assert.IsTrue(Directory.Exists(path), $"run {run}: directory replaced"));
            default: // a directory that does not exist
                return (s.Path($"missing{run}/o.trace"), exit => Assert.IsFalse(Directory.Exists(s.Path($"missing{run}"))));
        }
    }

    static void AssertTrace(string path)
    {
        using var reader = TraceReader.Open(path);
        var batch = new EventBatch();
        while (reader.ReadBatch(batch)) { }
        Assert.IsFalse(reader.Truncated, path);
    }

    static string MutateScenario(string text, Random rng)
    {
        var tokens = new List<string>(text.Split(' '));
        int edits = 1 + rng.Next(3);
        for (int k = 0; k < edits && tokens.Count > 0; k++)
        {
            int at = rng.Next(tokens.Count);
            switch (rng.Next(5))
            {
                case 0: tokens.RemoveAt(at); break;
                case 1: tokens.Insert(at, tokens[rng.Next(tokens.Count)]); break;
                case 2: tokens[at] = Splices[rng.Next(Splices.Length)]; break;
                case 3: tokens.Insert(at, Splices[rng.Next(Splices.Length)]); break;
                default:
                    var t = tokens[at];
                    if (t.Length > 1) tokens[at] = t.Remove(rng.Next(t.Length), 1);
                    break;
            }
        }
        var result = string.Join(' ', tokens);
        return rng.Next(10) == 0 ? result[..rng.Next(result.Length + 1)] : result;
    }

    static byte[] MutateTrace(byte[] original, Random rng)
    {
        var bytes = new List<byte>(original);
        int edits = 1 + rng.Next(4);
        for (int k = 0; k < edits && bytes.Count > 0; k++)
        {
            int at = rng.Next(bytes.Count);
            switch (rng.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: bytes[at] = (byte)rng.Next(256); break;
                case 2: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + rng.Next(16))); break;
                case 3: bytes.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(8)).Select(_ => (byte)rng.Next(256))); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return [.. bytes];
    }
}
