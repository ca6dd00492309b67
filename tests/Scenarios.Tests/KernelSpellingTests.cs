using TraceTools.Scenarios;
using TraceTools.Scenarios.Internals.Syntax;
using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// Kernel spellings (docs/scenario-language.md): each compiles to exactly the events of its canonical form, per
/// arch where they differ; dump prints the canonical form; kernel names the language spells differently say how.
/// </summary>
[TestClass]
public sealed class KernelSpellingTests
{
    static readonly string[] Arches = ["arm64", "x86_64", "riscv64", "sc"];

    // Lines 1..7; steps start on line 8.
    static string Header(string arch) => $"""
        arch {arch}
        cpu c
        device nd noncoherent
        device cd
        ram  buf  0x1000 size 0x100
        mmio regs 0x3000 size 0x20 device nd
        let n = 2

        """;

    /// <summary>(arch, spelled step, canonical steps) for every spelling on every arch.</summary>
    public static IEnumerable<object[]> Spellings()
    {
        foreach (var arch in Arches)
        {
            string completion = arch == "arm64" ? "\nbarrier dsb.sy" : "";
            yield return [arch, "writel_relaxed regs + 4 = 0x8000_0001", "mmio_write regs + 4 size 4 = 0x8000_0001"];
            yield return [arch, "writeq_relaxed regs + 8 = 0x1122_3344_5566_7788", "mmio_write regs + 8 size 8 = 0x1122_3344_5566_7788"];
            yield return [arch, "readl_relaxed regs + 4", "mmio_read regs + 4 size 4"];
            yield return [arch, "readq_relaxed regs", "mmio_read regs size 8"];
            foreach (var kind in BarrierCode.LinuxNames) yield return [arch, kind, $"barrier {kind}"];
            yield return [arch, "barrier", "barrier barrier"];
            yield return [arch, "dma_sync_single_for_device buf + 0x40 size 0x40 device nd", "cache_clean buf + 0x40 size 0x40" + completion];
            yield return [arch, "dma_sync_single_for_cpu buf + 0x40 size 0x40 device nd", "cache_inval buf + 0x40 size 0x40" + completion];
            yield return [arch, "dma_sync_single_for_device buf size 0x40 device cd", ""];
            yield return [arch, "dma_sync_single_for_cpu buf size 0x40 device cd", ""];
        }
    }

    static string Steps(string lines) =>
        string.Concat(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"c: {l} @ \"site\"\n"));

    [TestMethod]
    [DynamicData(nameof(Spellings))]
    public void Spelling_OnArch_CompilesToTheEventsOfItsCanonicalForm(string arch, string spelled, string canonical)
    {
        // A store before and after pins the events' positions, and a coherent dma_sync's "nothing" is visible.
        const string around = "c: store buf size 4 = 1\n";
        var expected = Gen.Compile(Header(arch) + around + Steps(canonical) + around);
        var actual = Gen.Compile(Header(arch) + around + Steps(spelled) + around);
        var want = Gen.Events(expected);
        SampleTests.AssertSameStream(expected.Metadata, want, actual.Metadata, Gen.Events(actual));
        Assert.AreEqual(want.Count, actual.CountEvents());
        Assert.AreEqual(2 + canonical.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, want.Count, "the canonical form's event count");
    }

    [TestMethod]
    [DataRow("arm64", 3 * 2 * 2)]
    [DataRow("x86_64", 3 * 2)]
    [DataRow("riscv64", 3 * 2)]
    [DataRow("sc", 3 * 2)]
    public void DmaSync_InLoops_EmitsPerDeviceCoherenceAndCountsExactly(string arch, int events)
    {
        // Loop-variable operands: the coherent syncs are checked at generation and emit nothing.
        var s = Gen.Compile(Header(arch) + """
            repeat 3 as i {
              c: dma_sync_single_for_device buf + i * 0x40 size 0x40 device nd
              c: dma_sync_single_for_device buf + i * 0x40 size 0x40 device cd
              repeat n as j {
                c: dma_sync_single_for_cpu buf + i * 0x40 + j size 0x10 device cd
              }
              c: dma_sync_single_for_cpu buf + i * 0x40 size 0x40 device nd
            }
            """);
        var b = Gen.Events(s);
        Assert.AreEqual(events, b.Count);
        Assert.AreEqual(events, s.CountEvents());
        var caches = Enumerable.Range(0, b.Count).Select(i => b[i]).Where(e => e.Kind != EventKind.Barrier).ToArray();
        CollectionAssert.AreEqual(new ulong[] { 0x1000, 0x1000, 0x1040, 0x1040, 0x1080, 0x1080 }, caches.Select(e => e.Address).ToArray());
        CollectionAssert.AreEqual(
            new[] { EventKind.CacheClean, EventKind.CacheInval, EventKind.CacheClean, EventKind.CacheInval, EventKind.CacheClean, EventKind.CacheInval },
            caches.Select(e => e.Kind).ToArray());
    }

    [TestMethod]
    public void DmaSync_CoherentDeviceAddressLeavesRegionInALoop_IsAnErrorAtGeneration()
    {
        var e = Gen.Error(Header("x86_64") + "repeat 5 as i {\n  c: dma_sync_single_for_cpu buf + i * 0x40 size 0x40 device cd\n}\n");
        Assert.AreEqual(9, e.Line, e.Message);
        Assert.AreEqual(30, e.Column, e.Message);
        StringAssert.Contains(e.Message, "outside every region");
    }

    static void AssertError(string text, int line, int column, string message)
    {
        var e = Gen.Error(text);
        Assert.AreEqual(line, e.Line, e.Message);
        Assert.AreEqual(column, e.Column, e.Message);
        StringAssert.StartsWith(e.Message, $"t.scn:{line}:{column}: ");
        StringAssert.Contains(e.Message, message);
    }

    [TestMethod]
    [DataRow("c: WRITE_ONCE buf size 4 = 1", 4, "unknown op 'WRITE_ONCE' (did you mean 'store'?)")]
    [DataRow("c: iowrite32 regs = 1", 4, "unknown op 'iowrite32' (did you mean 'writel'?)")]
    [DataRow("c: virt_wmb", 4, "unknown op 'virt_wmb' (did you mean 'smp_wmb'?)")]
    [DataRow("c: writel_relax regs = 1", 4, "unknown op 'writel_relax' (did you mean 'writel_relaxed'?)")]
    [DataRow("c: dma_wmbb", 4, "unknown op 'dma_wmbb' (did you mean 'dma_wmb'?)")]
    [DataRow("nd: dma_wmb", 5, "'dma_wmb' is a cpu op but 'nd' is a device")]
    [DataRow("c: smp_mb buf", 11, "expected end of line")]
    [DataRow("c: barrier 7", 12, "expected a barrier kind")]
    [DataRow("c: writel_relaxed regs", 23, "expected '= VALUE' but found")]
    [DataRow("c: writel_relaxed regs bytes \"00000000\"", 24, "expected '= VALUE' but found")]
    [DataRow("c: writel_relaxed regs = 0x1_0000_0000", 26, "does not fit")]
    [DataRow("c: readq_relaxed regs + 0x20", 18, "outside every region")]
    [DataRow("c: readl_relaxed buf", 18, "'mmio_read' needs an mmio region, but 'buf' is a ram region")]
    [DataRow("c: dma_sync_single_for_device buf size 4", 41, "expected 'device' but found")]
    [DataRow("c: dma_sync_single_for_device buf size 4 device c", 49, "device 'c' is a cpu: expected a device")]
    [DataRow("c: dma_sync_single_for_device buf size 4 device nx", 49, "device 'nx' is not declared")]
    [DataRow("c: dma_sync_single_for_cpu regs size 4 device cd", 28, "may not touch mmio region 'regs'")]
    [DataRow("c: dma_sync_single_for_cpu buf + 0xfc size 8 device cd", 28, "straddles the end of region 'buf'")]
    public void Spelling_BadStep_ReportsLineColumnAndWhatWasExpected(string step, int column, string message) =>
        AssertError(Header("arm64") + step + "\n", 8, column, message);

    [TestMethod]
    [DataRow("0b0", 0UL)]
    [DataRow("0b101", 5UL)]
    [DataRow("0B11", 3UL)]
    [DataRow("0b1000_0000", 0x80UL)]
    [DataRow("0b1 << 31 | 0b11", 0x8000_0003UL)]
    [DataRow("0b1111111111111111111111111111111111111111111111111111111111111111", ulong.MaxValue)]
    [DataRow("0b0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0001", 1UL)]
    public void BinaryLiteral_Parses(string literal, ulong value)
    {
        var b = Gen.Events(Header("arm64") + $"c: store buf size 8 = {literal}\n");
        Assert.AreEqual(value, Gen.Value(b, 0));
    }

    [TestMethod]
    [DataRow("0b", "malformed number '0b': expected binary digits after 0b")]
    [DataRow("0b102", "malformed number '0b102': expected binary digits")]
    [DataRow("0b1f", "malformed number '0b1f': expected binary digits")]
    [DataRow("0b_1", "'_' only between digits")]
    [DataRow("0b1_", "'_' only between digits")]
    [DataRow("0b1__0", "'_' only between digits")]
    [DataRow("0b1_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000", "number '0b1_0000")]
    [DataRow("0b11111111111111111111111111111111111111111111111111111111111111111", "does not fit in 64 bits")]
    [DataRow("12b", "expected decimal digits (or 0x for hex, 0b for binary)")]
    public void BinaryLiteral_Malformed_IsAnErrorAtItsFirstCharacter(string literal, string message) =>
        AssertError(Header("arm64") + $"c: store buf size 8 = {literal}\n", 8, 23, message);

    /// <summary>One valid step per op a kernel name may be suggested as (extend it when a row names a new op).</summary>
    static readonly Dictionary<string, string> OpSamples = new(StringComparer.Ordinal)
    {
        ["store"] = "c: store buf size 4 = 1",
        ["load"] = "c: load buf size 4",
        ["mmio_write"] = "c: mmio_write regs size 4 = 1",
        ["mmio_read"] = "c: mmio_read regs size 4",
        ["writel"] = "c: writel regs = 1",
        ["writeq"] = "c: writeq regs = 1",
        ["readl"] = "c: readl regs",
        ["readq"] = "c: readq regs",
        ["smp_mb"] = "c: smp_mb",
        ["smp_rmb"] = "c: smp_rmb",
        ["smp_wmb"] = "c: smp_wmb",
        ["dma_sync_single_for_device"] = "c: dma_sync_single_for_device buf + 8 size 16 device nd",
        ["dma_sync_single_for_cpu"] = "c: dma_sync_single_for_cpu buf + 8 size 16 device nd",
        ["cache_clean"] = "c: cache_clean buf size 64",
        ["cache_inval"] = "c: cache_inval buf size 64",
        ["cache_flush"] = "c: cache_flush buf size 64",
        ["lock"] = "c: lock L",
        ["unlock"] = "c: unlock L",
        ["store_release"] = "c: store_release buf size 8 = 1",
        ["load_acquire"] = "c: load_acquire buf size 8",
        ["xchg"] = "c: xchg buf size 8 = 1",
    };

    public static IEnumerable<object[]> KernelNames => OpNames.KernelNames.Select(p => new object[] { p.Key, p.Value });

    [TestMethod]
    [DynamicData(nameof(KernelNames))]
    public void KernelName_SuggestsASpellingThatCompiles(string kernelName, string spelling)
    {
        Assert.IsFalse(OpNames.IsCpuOp(kernelName) || OpNames.IsDeviceOp(kernelName), $"'{kernelName}' is an op itself");
        Assert.IsTrue(OpNames.IsCpuOp(spelling) || OpNames.IsDeviceOp(spelling), $"'{spelling}' is not an op: add its row when it lands");
        Assert.IsTrue(OpSamples.TryGetValue(spelling, out var sample), $"add a sample step for '{spelling}' to OpSamples");
        Assert.IsGreaterThan(0L, Gen.Compile(Header("arm64") + sample + "\n").CountEvents());
        AssertError(Header("arm64") + $"c: {kernelName} buf\n", 8, 4, $"unknown op '{kernelName}' (did you mean '{spelling}'?)");
    }

    [TestMethod]
    [DataRow("smp_store_release", "store_release")]
    [DataRow("smp_load_acquire", "load_acquire")]
    public void KernelName_AcquireAndRelease_SuggestTheirSteps(string kernelName, string spelling)
    {
        // Issue 10 item 4 added the ops, and with them these rows (before, the names got no suggestion at all).
        var e = Gen.Error(Header("arm64") + $"c: {kernelName} buf size 8\n");
        Assert.AreEqual($"t.scn:8:4: unknown op '{kernelName}' (did you mean '{spelling}'?)", e.Message);
    }

    static readonly string[] Canonical = ["store", "load", "barrier", "mmio_write", "mmio_read", "cache_clean", "cache_inval", "cache_flush"];

    [TestMethod]
    [DataRow("arm64")]
    [DataRow("x86_64")]
    [DataRow("riscv64")]
    [DataRow("sc")]
    public void Dump_OfSpelledSteps_PrintsCanonicalFormsAndRoundTrips(string arch)
    {
        var s = Gen.Compile(Header(arch) + """
            c: store buf size 8 = 0b1 << 63
            c: dma_sync_single_for_device buf size 8 device nd @ "sync"
            c: dma_sync_single_for_device buf size 8 device cd @ "coherent"
            c: dma_wmb
            c: writel_relaxed regs + 4 = 1
            c: readq_relaxed regs + 8
            c: barrier
            c: smp_mb
            c: dma_sync_single_for_cpu buf size 8 device nd
            """);
        var first = Gen.Events(s);
        string text = ScenarioWriter.Write(s.Metadata, first);
        var ops = text.Split('\n').Where(l => l.StartsWith("c:", StringComparison.Ordinal))
            .Select(l => l[2..].TrimStart().Split(' ')).ToArray();
        foreach (var op in ops)
            CollectionAssert.Contains(Canonical, op[0], "dump prints only the contract's ops");
        Assert.IsTrue(ops.Where(o => o[0] == "barrier").All(o => o.Length >= 2 && o[1] != "@"), "barriers print their kind");
        StringAssert.Contains(text, "mmio_write regs + 0x4 size 4 = 0x1");
        StringAssert.Contains(text, "barrier dma_wmb");
        StringAssert.Contains(text, "store buf size 8 = 0x8000000000000000");
        var again = Gen.Compile(text);
        var second = Gen.Events(again);
        SampleTests.AssertSameStream(s.Metadata, first, again.Metadata, second);
        Assert.AreEqual(text, ScenarioWriter.Write(again.Metadata, second), "dump is a fixed point");
    }

    [TestMethod]
    public void StepLines_SpelledSteps_CompileLikeTheirCanonicalForms()
    {
        var layout = ScenarioCompiler.CompileLayout(Header("arm64"), "layout.scn");
        var spelled = new EventBatch(16);
        var canonical = new EventBatch(16);
        var a = new StepLineCompiler(layout, spelled);
        var b = new StepLineCompiler(layout, canonical);
        int line = 1;
        foreach (var l in new[] { "c: writel_relaxed regs = 3", "c: dma_sync_single_for_device buf size 64 device cd", "c: dma_sync_single_for_cpu buf size 64 device nd", "c: dma_rmb" })
            a.CompileLine(l, "s.steps", line++);
        line = 1;
        foreach (var l in new[] { "c: mmio_write regs size 4 = 3", "c: cache_inval buf size 64", "c: barrier dsb.sy", "c: barrier dma_rmb" })
            b.CompileLine(l, "s.steps", line++);
        SampleTests.AssertSameStream(layout.Metadata, canonical, layout.Metadata, spelled);
    }

    [TestMethod]
    public void Docs_NameEverySpellingAndKernelName()
    {
        string doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "scenario-language.md"));
        var names = new[] { "writel_relaxed", "writeq_relaxed", "readl_relaxed", "readq_relaxed", "dma_sync_single_for_device", "dma_sync_single_for_cpu" }
            .Concat(BarrierCode.LinuxNames).Concat(OpNames.KernelNames.Keys).Concat(OpNames.KernelNames.Values);
        foreach (var name in names)
            Assert.IsTrue(doc.Contains($"`{name}", StringComparison.Ordinal), $"docs/scenario-language.md does not name '{name}'");
    }
}
