using System.Buffers.Binary;
using TraceTools.Tests.Hardening;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.EndToEnd;

/// <summary>
/// Replay takes the census a v4 trace carries (docs/trace-format.md, "Census section"): the same report as the same
/// events without it (v3), and a damaged census section is one line of bad input.
/// </summary>
[TestClass]
public sealed class CensusReplayTests
{
    public static IEnumerable<object[]> Samples() =>
        Directory.GetFiles(RepoPaths.Samples, "*.scn").Order(StringComparer.Ordinal).Select(p => new object[] { Path.GetFileName(p) });

    [TestMethod]
    public void Replay_EverySampleScenario_SameReportWithTheCensusAsWithout()
    {
        using var s = new Scratch();
        int withPages = 0;
        foreach (string name in Samples().Select(o => (string)o[0]))
        {
            string v4 = s.Path(name + ".trace");
            var gen = RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, name), "-o", v4);
            Assert.AreEqual(0, gen.Exit, $"{name}: {gen.Err}");
            using (var reader = TraceReader.Open(v4))
            {
                Assert.IsNotNull(reader.Census, name);
                if (reader.Census.Count > 0) withPages++;
            }
            AssertSameReport(v4, Rewrite(v4, s.Path(name + ".v3.trace"), 3), name);
        }
        Assert.IsGreaterThan(40, withPages, "most samples have device pages");
    }

    [TestMethod]
    [DataRow("arm64", "1")]
    [DataRow("x86_64", "2")]
    public void Replay_SynthWithInjectedBugs_SameReportWithTheCensusAsWithout(string arch, string threads)
    {
        using var s = new Scratch();
        string v4 = s.Path("mix.trace");
        var synth = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "120000", "--arch", arch, "--seed", "3", "--inject", "0.02", "-o", v4);
        Assert.AreEqual(0, synth.Exit, synth.Err);
        AssertSameReport(v4, Rewrite(v4, s.Path("mix.v3.trace"), 3), arch, "--threads", threads);
    }

    [TestMethod]
    public void Replay_CensusSectionByteFlipped_OneLineErrorWithTheOffset()
    {
        using var s = new Scratch();
        string trace = Synth(s);
        var bytes = File.ReadAllBytes(trace);
        var (start, end) = SectionOf(bytes);
        bytes[start + 9] ^= 1;
        File.WriteAllBytes(trace, bytes);
        foreach (string verb in (string[])["replay", "info", "dump"])
        {
            var (exit, _, err) = RepoPaths.Run(verb, trace);
            HardeningAsserts.OneLineError(exit, err, $"byte offset {end - 4} (footer): census section CRC-32C is 0x");
        }
    }

    [TestMethod]
    public void Replay_CensusCrcIntactButPagesNotAscending_OneLineErrorWithTheOffset()
    {
        using var s = new Scratch();
        string trace = Synth(s);
        // Body: count 2, page 5, delta 0 (not ascending).
        int start = ReplaceSection(trace, [2, 5, 0]);

        var (exit, _, err) = RepoPaths.Run("replay", trace, "--quiet");
        HardeningAsserts.OneLineError(exit, err, $"byte offset {start + 10} (footer): census page 1 is not above the previous one");
    }

    [TestMethod]
    public void Info_CensusThatMissesAPage_OneLineError()
    {
        using var s = new Scratch();
        string trace = Synth(s);
        // A well-formed census of one page (page 1) no event touches: info's pass over the events refuses it.
        int start = ReplaceSection(trace, [1, 1]);

        var (exit, _, err) = RepoPaths.Run("info", trace);
        HardeningAsserts.OneLineError(exit, err, $"byte offset {start} (footer): the census section does not match the events: it holds 1 pages");
    }

    /// <summary>Puts a census section of <paramref name="body"/> (with its CRC) in place of the trace's; returns where it starts.</summary>
    static int ReplaceSection(string trace, byte[] body)
    {
        var bytes = File.ReadAllBytes(trace);
        var (start, end) = SectionOf(bytes);
        var section = new byte[12 + body.Length];
        "TPGS"u8.CopyTo(section);
        BinaryPrimitives.WriteInt32LittleEndian(section.AsSpan(4), body.Length);
        body.CopyTo(section, 8);
        BinaryPrimitives.WriteUInt32LittleEndian(section.AsSpan(8 + body.Length), TestCrc.Of(section.AsSpan(0, 8 + body.Length)));
        File.WriteAllBytes(trace, Splice(bytes, start, end, section));
        return start;
    }

    static byte[] Splice(byte[] bytes, int start, int end, byte[] section)
    {
        var patched = bytes.AsSpan(0, start).ToArray().Concat(section).Concat(bytes.AsSpan(end).ToArray()).ToArray();
        int trailer = patched.Length - 32;
        BinaryPrimitives.WriteInt64LittleEndian(patched.AsSpan(trailer + 8), start + section.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(trailer + 28), TestCrc.Of(patched.AsSpan(trailer, 28)));
        return patched;
    }

    static string Synth(Scratch s)
    {
        string trace = s.Path("c.trace");
        var synth = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "5000", "-o", trace);
        Assert.AreEqual(0, synth.Exit, synth.Err);
        return trace;
    }

    static void AssertSameReport(string withCensus, string without, string what, params string[] options)
    {
        using (var reader = TraceReader.Open(without)) Assert.IsNull(reader.Census, what);
        var a = RepoPaths.Run(["replay", withCensus, "--format", "json", "--all", "--quiet", .. options]);
        var b = RepoPaths.Run(["replay", without, "--format", "json", "--all", "--quiet", .. options]);
        Assert.AreEqual(b.Exit, a.Exit, $"{what}: {a.Err}");
        Assert.AreEqual(b.Out.Replace(without, "T", StringComparison.Ordinal), a.Out.Replace(withCensus, "T", StringComparison.Ordinal), what);
    }

    /// <summary>The events of <paramref name="from"/> written again as format <paramref name="version"/>.</summary>
    static string Rewrite(string from, string to, int version)
    {
        using var reader = TraceReader.Open(from);
        TraceFile.Write(to, reader.Metadata, new TraceWriterOptions { FormatVersion = version }, sink =>
        {
            var batch = new EventBatch(4096);
            while (reader.ReadBatch(batch))
                for (int i = 0; i < batch.Count; i++) sink.Append(batch[i], batch.GetData(i));
        });
        return to;
    }

    /// <summary>[start, end) of the census section: from the last chunk's end (index entry + header) to the index.</summary>
    static (int Start, int End) SectionOf(byte[] trace)
    {
        int trailer = trace.Length - 32;
        int chunks = BinaryPrimitives.ReadInt32LittleEndian(trace.AsSpan(trailer + 4));
        int index = (int)BinaryPrimitives.ReadInt64LittleEndian(trace.AsSpan(trailer + 8));
        int last = (int)BinaryPrimitives.ReadInt64LittleEndian(trace.AsSpan(index + 4 + (chunks - 1) * 20));
        return (last + 36 + BinaryPrimitives.ReadInt32LittleEndian(trace.AsSpan(last + 20)), index);
    }
}
