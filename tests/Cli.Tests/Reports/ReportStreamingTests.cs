using System.Text;
using TraceTools.Cli.Files;
using TraceTools.Cli.Reports;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>
/// JSON and SARIF reports reach their stream as they are written, not built whole in memory first; and to stdout
/// through <see cref="TextWriterStream"/>, which decodes characters split between writes.
/// </summary>
[TestClass]
public sealed class ReportStreamingTests
{
    /// <summary>A stream that keeps what is written to it and the largest single write.</summary>
    sealed class RecordingStream : MemoryStream
    {
        public int Writes { get; private set; }
        public int LargestWrite { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            LargestWrite = Math.Max(LargestWrite, count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);
    }

    /// <summary><paramref name="rounds"/> stale-dma-reads at distinct sites (one group each) or at one site (one group, every instance with --all).</summary>
    static ReportInput Input(int rounds, bool oneSite)
    {
        var b = new EventBatch(rounds * 3);
        var findings = new List<Finding>();
        var sites = new List<string>();
        for (int r = 0; r < rounds; r++)
        {
            long i = b.Count;
            int site = oneSite ? 0 : r;
            if (site == sites.Count) sites.Add($"fill_ring_{r}: stp ü");
            b.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8, 0, site), new byte[8]);
            b.Append(new TraceEvent(EventKind.MmioWrite, 0, 0xf000, 4), new byte[4]);
            b.Append(new TraceEvent(EventKind.DmaRead, 1, 0x1000, 8), new byte[8]);
            findings.Add(new Finding(FindingKind.StaleDmaRead, i + 2, [new(RelatedRole.Store, i), new(RelatedRole.Publish, i + 1)]));
        }
        var md = new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu), new("dev", AgentKind.Device)],
            Regions =
            [
                new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x1000 },
                new RegionInfo { Name = "db", Kind = RegionKind.Mmio, Base = 0xf000, Size = 0x10, Device = 1 },
            ],
            Sites = sites,
        };
        return new ReportInput(md, findings, new BatchEventLookup(b), "t.trace", b.Count);
    }

    [TestMethod]
    [DataRow(ReportFormat.Json, true)]
    [DataRow(ReportFormat.Json, false)]
    [DataRow(ReportFormat.Sarif, false)]
    public void Write_LargeReport_ReachesTheStreamInPiecesOfAboutSixtyFourKiB(ReportFormat format, bool oneSite)
    {
        var input = Input(20_000, oneSite);
        var groups = FindingGroup.Build(input.Findings, input.Events, all: true);
        using var s = new RecordingStream();
        if (format == ReportFormat.Json) JsonReport.Write(s, input, groups);
        else SarifReport.Write(s, input, groups);

        Assert.IsGreaterThan(1 << 21, s.Length, "a report of some MB");
        Assert.IsGreaterThan(s.Length / (1 << 17), s.Writes, $"{s.Writes} writes of {s.Length} bytes");
        Assert.IsLessThan(1 << 17, s.LargestWrite, "no write much past the flush size");
    }

    [TestMethod]
    public void ReplayReport_JsonToStdout_SameTextAsToAFile()
    {
        var input = Input(3_000, oneSite: false);
        using var dir = new Hardening.Scratch();
        string file = dir.Path("r.json");
        var stdout = new StringWriter();
        Assert.AreEqual(ReportWriter.Write(input, new ReportOptions(ReportFormat.Json, All: true), stdout),
            ReportWriter.Write(input, new ReportOptions(ReportFormat.Json, Output: file, All: true), TextWriter.Null));
        Assert.AreEqual(File.ReadAllText(file, Encoding.UTF8) + Environment.NewLine, stdout.ToString());
        StringAssert.Contains(stdout.ToString(), "fill_ring_2999: stp ü");
    }

    [TestMethod]
    public void TextWriterStream_CharactersSplitBetweenWrites_DecodedWhole()
    {
        var rng = new Random(11);
        string[] pieces = ["a", "ü", "€", "𝄞", "\n", "qm_mb_write: stp", "日本"];
        for (int round = 0; round < 200; round++)
        {
            string text = string.Concat(Enumerable.Range(0, rng.Next(1, 400)).Select(_ => pieces[rng.Next(pieces.Length)]));
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            var writer = new StringWriter();
            using (var s = new TextWriterStream(writer))
            {
                for (int at = 0; at < bytes.Length;)
                {
                    int n = Math.Min(bytes.Length - at, rng.Next(1, 9000));
                    s.Write(bytes, at, n);
                    at += n;
                }
            }
            Assert.AreEqual(text, writer.ToString(), $"round {round}");
        }
    }
}
