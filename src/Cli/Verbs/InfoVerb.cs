using System.Globalization;
using TraceTools.Cli.Files;
using TraceTools.Cli.Reports;
using TraceTools.Cli.Validation;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Verbs;

/// <summary>The <c>info</c> verb: header, agents, regions, and what a full scan of the chunks found.</summary>
public static class InfoVerb
{
    const string Usage = """
        usage: tracetools info TRACE

        Describes a trace: format version, arch, agents, regions and tables, locks, sites,
        events, chunks, codec, bytes per event on disk and raw, the device page census (v4),
        and, when the recorder could not read them (a QEMU import), that memory values were not recorded.
        Reads and checks every chunk, and the census against the events; a trace cut off
        (no footer) is reported as truncated with the events recovered.
        """;

    // The events must pass the check replay and dump apply (an event outside every region is refused by
    // all three); Summarize reads the chunks on its own, so this is a pass of its own. It also checks a v4
    // trace's census against the events, whole: replay only refuses a page its census events touch but it leaves out.
    static void CheckEvents(TraceInput trace)
    {
        using var reader = trace.OpenReader();
        var check = new TraceEventCheck(reader.Metadata, trace.Shown);
        var census = new DevicePagesBuilder();
        var batch = new EventBatch(65536);
        while (reader.ReadBatch(batch))
        {
            check.Check(batch);
            census.Add(batch);
        }
        reader.CheckCensus(census.Build());
    }

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbArgs args)
    {
        if (args.WantsHelp) return args.Help(Usage);
        string path = args.Finish(1, 1)[0];
        using var trace = TraceInput.Open("info", path, rereadable: true);
        CheckEvents(trace);
        using var reader = trace.OpenReader();
        var s = reader.Summarize();
        var m = reader.Metadata;
        var w = args.Out;
        var inv = CultureInfo.InvariantCulture;

        w.WriteLine($"trace        {trace.Shown}");
        w.WriteLine($"format       version {reader.Version.ToString(inv)}");
        if (m.Name.Length > 0) w.WriteLine($"scenario     {Scenarios.Writing.ScenarioWriter.Quote(m.Name)}");
        w.WriteLine($"arch         {m.Arch.Name()}");
        w.WriteLine($"cache line   {m.CacheLineSize} bytes{(m.DeclaresCacheLine ? "" : " (the arch's default)")}");
        // Only when not: a trace that recorded its values (every trace but a QEMU import) prints what it always did.
        if (!m.MemoryValuesRecorded) w.WriteLine("values       memory values not recorded: stores, store_release, xchg and dma_write carry stand-in bytes (MMIO values are recorded)");
        w.WriteLine($"agents       {m.Agents.Count}");
        int nameWidth = Math.Max(m.Agents.Select(a => a.Name.Length).DefaultIfEmpty(0).Max(), m.Regions.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        for (int i = 0; i < m.Agents.Count; i++)
        {
            var a = m.Agents[i];
            string iommu = a.IommuAtStart == IommuTreatment.Translate ? "" : $", IOMMU {a.IommuAtStart.Name()} at the start";
            w.WriteLine($"  #{i,-3} {a.Name.PadRight(nameWidth)}  {(a.IsCpu ? "cpu" : a.Coherent ? "device coherent" : "device noncoherent")}{iommu}");
        }
        w.WriteLine($"regions      {m.Regions.Count}");
        foreach (var r in m.Regions)
        {
            string kind = r.Kind.ToString().ToLowerInvariant();
            string extra = r.Kind switch
            {
                RegionKind.Mmio => $" device {m.Agents[r.Device].Name}",
                RegionKind.Table => $" entries {r.Entries} entry_size {r.EntrySize} granule {r.Granule} present bit {r.PresentBit} fetcher {m.Agents[r.Device].Name}",
                _ => "",
            };
            w.WriteLine($"  {r.Name.PadRight(nameWidth)}  {kind,-5} 0x{r.Base:x}..0x{r.End:x} size 0x{r.Size:x}{extra}");
        }
        w.WriteLine($"tables       {m.Regions.Count(r => r.Kind == RegionKind.Table)}");
        w.WriteLine($"locks        {m.Locks.Count}{(m.Locks.Count > 0 ? " (" + string.Join(", ", m.Locks.Take(10)) + (m.Locks.Count > 10 ? ", ..." : "") + ")" : "")}");
        w.WriteLine($"sites        {m.Sites.Count}");
        w.WriteLine($"events       {s.EventCount}");
        w.WriteLine($"chunks       {s.ChunkCount}");
        w.WriteLine($"codec        {(s.Codecs.Count == 0 ? "-" : string.Join(", ", s.Codecs.Select(c => c.ToString().ToLowerInvariant())))}");
        w.WriteLine($"bytes        {s.FileBytes} on disk, {s.RawBytes} raw chunk payload");
        w.WriteLine(string.Create(inv, $"bytes/event  {s.BytesPerEvent:F2} on disk, {s.RawBytesPerEvent:F2} raw"));
        w.WriteLine($"index        {(s.HasIndex ? "yes" : "no")}");
        // v4 traces carry the device page census that replay uses to skip cpu-only pages (docs/trace-format.md).
        w.WriteLine(reader.Census is { } census ? $"census       yes: {census.Count} device pages" : "census       no");
        w.WriteLine(s.Truncated
            ? $"truncated    yes: recovered {Plural.Of(s.RecoveredEvents, "event")} from {Plural.Of(s.ChunkCount, "complete chunk")}"
            : "truncated    no");
        return CommandLine.Ok;
    }
}
