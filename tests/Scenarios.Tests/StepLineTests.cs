using System.Text.RegularExpressions;
using TraceTools.Scenarios;
using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// The line-at-a-time step compiler (the <c>steps</c> import format): its allocation-free fast path must
/// give exactly what the full parser gives, line for line, on dumps and on fuzzed variants of them.
/// </summary>
[TestClass]
public sealed partial class StepLineTests
{
    [GeneratedRegex(@"^\s*\w+:\s*(smc|hvc|ret)\b")]
    private static partial Regex FirmwareStep();

    static (ScenarioLayout Layout, string[] Lines) Dump(string sample)
    {
        var s = ScenarioCompiler.CompileFile(Path.Combine(Repo.SamplesDir, sample));
        var events = Gen.Events(s);
        string text = ScenarioWriter.Write(s.Metadata, events);
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        var layout = ScenarioCompiler.CompileLayout(text[..(blank + 1)], "layout.scn");
        return (layout, text[(blank + 2)..].Split('\n'));
    }

    /// <summary>Compiles the lines one by one; a line's error is recorded as its message.</summary>
    static (List<string> Events, List<string> Sites, List<string> Locks, long FastLines) Compile(ScenarioLayout layout, string[] lines, bool fast)
    {
        var batch = new EventBatch(16);
        batch.Reset(0);
        var compiler = new StepLineCompiler(layout, batch) { UseFastPath = fast };
        var log = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            int before = batch.Count;
            try
            {
                compiler.CompileLine(lines[i], "steps.txt", i + 1);
            }
            catch (ScenarioException e)
            {
                log.Add(e.Message);
            }
            for (int k = before; k < batch.Count; k++)
                log.Add($"{batch[k]} {Convert.ToHexString(batch.GetData(k))}");
        }
        return (log, [.. compiler.Sites], [.. compiler.Locks], compiler.FastLines);
    }

    /// <summary>Asserts both paths agree; returns how many lines the fast path took.</summary>
    static long AssertSame(ScenarioLayout layout, string[] lines)
    {
        var slow = Compile(layout, lines, fast: false);
        var fast = Compile(layout, lines, fast: true);
        CollectionAssert.AreEqual(slow.Events, fast.Events);
        CollectionAssert.AreEqual(slow.Sites, fast.Sites);
        CollectionAssert.AreEqual(slow.Locks, fast.Locks);
        Assert.AreEqual(0, slow.FastLines);
        return fast.FastLines;
    }

    [TestMethod]
    [DynamicData(nameof(SampleTests.Samples), typeof(SampleTests))]
    public void FastPath_DumpOfSample_SameEventsAsFullParser(string sample)
    {
        var (layout, lines) = Dump(sample);
        AssertSame(layout, lines);
        // Every dumped step outside tables, invalidations, explicit bytes, the rare DMA-API and IOMMU steps with
        // keyword operands and the firmware calls (these go to the parser) takes the fast path.
        var batch = new EventBatch(16);
        batch.Reset(0);
        var compiler = new StepLineCompiler(layout, batch);
        var slow = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            long before = compiler.FastLines;
            compiler.CompileLine(lines[i], "steps.txt", i + 1);
            if (compiler.FastLines == before && lines[i].Length > 0 && !lines[i].Contains('[', StringComparison.Ordinal)
                && !lines[i].Contains("bytes \"", StringComparison.Ordinal) && !lines[i].Contains("dev_invalidate", StringComparison.Ordinal)
                && !lines[i].Contains(": iommu_mode ", StringComparison.Ordinal) && !lines[i].Contains(": dma_map ", StringComparison.Ordinal)
                && !lines[i].Contains(": dma_unmap ", StringComparison.Ordinal)
                && !FirmwareStep().IsMatch(lines[i]))
                slow.Add(lines[i]);
        }
        CollectionAssert.AreEqual(Array.Empty<string>(), slow, string.Join("\n", slow));
    }

    [TestMethod]
    [DynamicData(nameof(SampleTests.Samples), typeof(SampleTests))]
    public void FastPath_FuzzedDumpLines_SameEventsOrSameErrors(string sample)
    {
        var (layout, lines) = Dump(sample);
        var rng = new Random(sample.GetHashCode(StringComparison.Ordinal) ^ 12345);
        const string alphabet = " :+=@\"#_.0123456789abcdefxsz[]\\-\t";
        var fuzzed = new List<string>();
        foreach (var line in lines)
        {
            fuzzed.Add(line);
            for (int k = 0; k < 4 && line.Length > 0; k++)
            {
                var chars = line.ToCharArray().ToList();
                int at = rng.Next(chars.Count);
                switch (rng.Next(4))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, alphabet[rng.Next(alphabet.Length)]); break;
                    case 2: chars[at] = alphabet[rng.Next(alphabet.Length)]; break;
                    default: chars.InsertRange(at, rng.Next(2) == 0 ? " + 0x1000" : " = 0x1ff"); break;
                }
                fuzzed.Add(new string([.. chars]).Replace("\n", "", StringComparison.Ordinal));
            }
        }
        AssertSame(layout, [.. fuzzed]);
    }

    [TestMethod]
    [DataRow("cpu0: store buf + 0x10 size 4 = 0x1 @ \"a\"")]
    [DataRow("cpu0:   store   buf   size 8")]
    [DataRow("cpu0: store buf + 0xfc size 8")]
    [DataRow("cpu0: store buf + 16 size 2 = 0x10000")]
    [DataRow("cpu0: store regs size 4 = 1")]
    [DataRow("cpu0: mmio_write regs + 4 size 4 = 0xffffffff")]
    [DataRow("cpu0: mmio_write regs + 4 size 4")]
    [DataRow("cpu0: lock l @ \"x\"")]
    [DataRow("cpu0: take_irq dev")]
    [DataRow("cpu0: take_irq cpu0")]
    [DataRow("dev: raise_irq @ \"x\\\"y\"")]
    [DataRow("dev: store buf size 4")]
    [DataRow("cpu0: barrier dmb.oshst")]
    [DataRow("cpu0: barrier mfence")]
    [DataRow("cpu0: load buf + 0x100 size 1")]
    [DataRow("cpu0: load buf + 0xffffffffffffffff size 1")]
    [DataRow("cpu0: store buf size 4096 = 0x0102")]
    [DataRow("cpu0: store buf size 0")]
    public void FastPath_EdgeLines_SameAsFullParser(string line)
    {
        var layout = ScenarioCompiler.CompileLayout("arch arm64\ncpu cpu0\ndevice dev\nram buf 0x1000 size 0x100\nram big 0x2000 size 0x2000\nmmio regs 0x10000 size 0x100 device dev\n", "l.scn");
        Assert.IsGreaterThanOrEqualTo(1L, AssertSame(layout, ["cpu0: store big size 8 = 7", line, line]));
    }

    [TestMethod]
    [DataRow("cpu0: store buf size 4 = 0x100000000", "value 0x100000000 does not fit in 4 bytes")]
    [DataRow("cpu0: mmio_write regs size 6 = 0x1000000000000", "value 0x1000000000000 does not fit in 6 bytes")]
    [DataRow("cpu0: store buf size 8 = 0x10000000000000000", "number '0x10000000000000000' does not fit in 64 bits")]
    [DataRow("cpu0: store buf size 8 = 18446744073709551616", "number '18446744073709551616' does not fit in 64 bits")]
    public void FastPath_ValueOrNumberTooWide_IsAnErrorNotATruncatedWrite(string line, string message)
    {
        // A VALUE that does not fit in N bytes, or a number past 2^64 - 1, is an error (scenario-language.md),
        // on the fast path too: never a write of the wrapped or truncated value.
        var layout = ScenarioCompiler.CompileLayout("arch arm64\ncpu cpu0\ndevice dev\nram buf 0x1000 size 0x100\nmmio regs 0x10000 size 0x100 device dev\n", "l.scn");
        var fast = Compile(layout, [line], fast: true);
        Assert.HasCount(1, fast.Events);
        StringAssert.StartsWith(fast.Events[0], "steps.txt:1:");
        StringAssert.Contains(fast.Events[0], message);
    }

    // A site is not refused in line mode: the steps importer keeps it as every importer keeps sites.
    [TestMethod]
    [DataRow("cpu0: store buf size 4 @ \"{0}\"")]
    [DataRow("cpu0: unlock l @ \"{0}\"")]
    public void FastPath_SiteOverTraceLimitOrWithControls_KeptAlikeByBothPaths(string template)
    {
        var layout = ScenarioCompiler.CompileLayout("arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n", "l.scn");
        string[] lines =
        [
            string.Format(System.Globalization.CultureInfo.InvariantCulture, template, new string('a', TraceLimits.MaxStringBytes + 1)),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "x\u0001y"),
        ];
        AssertSame(layout, lines);
        var fast = Compile(layout, lines, fast: true);
        CollectionAssert.AreEqual(new[] { new string('a', TraceLimits.MaxStringBytes), "x?y" }, fast.Sites);
    }

    [TestMethod]
    [DataRow("cpu0: lock {0}")]
    [DataRow("cpu0: unlock {0} @ \"s\"")]
    public void FastPath_LockOverTraceLimit_SameErrorAsFullParser(string template)
    {
        var layout = ScenarioCompiler.CompileLayout("arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n", "l.scn");
        string line = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, new string('a', TraceLimits.MaxStringBytes + 1));
        AssertSame(layout, [line]);
        var fast = Compile(layout, [line], fast: true);
        Assert.HasCount(1, fast.Events);
        StringAssert.StartsWith(fast.Events[0], "steps.txt:1:");
        Assert.IsEmpty(fast.Sites);
        Assert.IsEmpty(fast.Locks);
    }
}
