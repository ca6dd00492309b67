using TraceTools.Cli;
using TraceTools.Cli.Replaying;
using TraceTools.Cli.Reports;
using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.Tests.EndToEnd;
using TraceTools.Tests.Hardening;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reports;

/// <summary>
/// A report keeps what it shows, not what it counts: a group of thousands of findings keeps the events of the ten
/// instances it shows (docs/reports.md, "What a report costs"). Reading every finding's events ahead into the lookup,
/// as the report did, kept them and their bytes for the whole report.
/// </summary>
[TestClass]
public sealed class ReportMemoryTests
{
    const int Rounds = 3000;

    /// <summary>A dma-race a round (store, dma_wmb, doorbell, device read of the stored slot): one group, about <see cref="Rounds"/> instances.</summary>
    static readonly string RacePerRound = $$"""
        scenario "a dma race per round"
        arch arm64
        cpu cpu0
        device nic
        ram  buf 0x1000_0000 size 0x10000
        mmio db 0x2000_0000 size 0x10 device nic
        repeat {{Rounds}} as i {
          cpu0: store buf + (i % 512) * 8 size 8 = i
          cpu0: barrier dma_wmb
          cpu0: writel db = 1
          nic: dma_read buf + (i % 512) * 8 size 8
        }
        """;

    static ReportOptions Parse(params string[] args) => ReportOptions.Parse(new VerbArgs("replay", args, TextWriter.Null, TextWriter.Null));

    /// <summary>The trace of <see cref="RacePerRound"/>, its findings, and a report lookup over the file.</summary>
    static (ReportInput Input, TraceEventLookup Lookup) Replayed(Scratch s)
    {
        string scn = s.Write("r.scn", RacePerRound), trace = s.Path("r.trace");
        var gen = RepoPaths.Run("gen", scn, "-o", trace, "--chunk-events", "1024");
        Assert.AreEqual(0, gen.Exit, gen.Err);
        using var reader = TraceReader.Open(trace);
        using var engine = DetectorRegistry.CreateEngine(reader.Metadata);
        long events = TraceReplay.Run(reader, engine, decodeThread: false, progress: null);
        var findings = engine.Complete();
        var lookup = new TraceEventLookup(trace);
        return (new ReportInput(reader.Metadata, findings, lookup, trace, events), lookup);
    }

    [TestMethod]
    [DataRow("text")]
    [DataRow("json")]
    [DataRow("sarif")]
    public void Report_OneLargeGroup_KeepsTheShownInstancesEventsOnly(string format)
    {
        using var s = new Scratch();
        var (input, lookup) = Replayed(s);
        using (lookup)
        {
            var races = input.Findings.Count(f => f.Kind == FindingKind.DmaRace);
            // The first round on each of the 512 slots races nothing before it.
            Assert.IsTrue(races > Rounds / 2, $"{races} dma-race findings");
            var groups = FindingGroup.Build(input.Findings, input.Events, all: false);
            ReportWriter.Write(input, Parse("--format", format, "-o", s.Path("r." + format)), TextWriter.Null);
            // Each shown instance names its trigger and a few related events; a text ladder reads its rows too.
            int shown = groups.Sum(g => g.Instances.Count);
            Assert.IsTrue(lookup.KeptEvents <= shown * 8,
                $"{format}: {lookup.KeptEvents} events kept for {shown} instances shown of {input.Findings.Count} findings");
        }
    }

    [TestMethod]
    public void Filters_OfTheEngineStore_KeepViewsOfItNotFindings()
    {
        // --detectors, suppressions and the baseline keep 4 bytes a finding of the engine's store (a view by
        // position), where each kept a list of the findings made and held.
        using var s = new Scratch();
        var (input, lookup) = Replayed(s);
        using (lookup)
        {
            var store = (FindingStore)input.Findings;
            var races = KeptFindings.OfKinds(store, k => k == FindingKind.DmaRace);
            Assert.IsInstanceOfType<FindingStore>(races);
            var expected = store.Where(f => f.Kind == FindingKind.DmaRace).ToList();
            Assert.IsTrue(expected.Count > 100);
            Assert.HasCount(expected.Count, races);
            for (int i = 0; i < expected.Count; i++) Assert.IsTrue(expected[i].SameAs(races[i]), $"at {i}");
            Assert.IsEmpty(KeptFindings.OfKinds(store, k => k == FindingKind.TornEntryFetch));

            var supp = Suppressions.Parse("supp.txt", ["dma-race *"]);
            var (kept, dropped) = supp.Split(races, EventSites.Read(races, input.Events), input.Metadata, keepSuppressed: true);
            Assert.IsInstanceOfType<FindingStore>(kept);
            Assert.IsInstanceOfType<FindingStore>(dropped);
            Assert.IsEmpty(kept);
            Assert.HasCount(expected.Count, dropped!);
            Assert.AreEqual(expected.Count, supp.Entries[0].Matched);
        }
    }

    [TestMethod]
    public void Report_All_KeepsEveryInstancesEvents()
    {
        using var s = new Scratch();
        var (input, lookup) = Replayed(s);
        using (lookup)
        {
            ReportWriter.Write(input, Parse("--format", "json", "--all", "-o", s.Path("r.json")), TextWriter.Null);
            // With --all every instance is shown: its events are read ahead, each chunk once, as before.
            Assert.IsTrue(lookup.KeptEvents >= input.Findings.Count, $"{lookup.KeptEvents} events kept for {input.Findings.Count} findings");
        }
    }
}
