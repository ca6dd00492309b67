using System.Text.Encodings.Web;
using System.Text.Json;
using TraceTools.Cli.Replaying;
using TraceTools.Cli.Reports;
using TraceTools.Cli.Validation;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Exporting;

/// <summary>
/// Writes a trace as Chrome trace-event JSON (the format Perfetto UI and chrome://tracing open): one track
/// per agent, each event a slice with its fields in <c>args</c>, each hb edge the replay takes a flow arrow,
/// each finding a slice on a "findings" track plus a global instant, with flow arrows from its trigger
/// and related events.
/// </summary>
/// <remarks>
/// Time is the trace index: event i is the slice [i, i + 0.8) µs, so the tracks show the trace order.
/// Flow events sit in the middle of their slices (i + 0.4) and bind to the enclosing slice (<c>bp: "e"</c>).
/// Streamed: the replay runs batch by batch, the JSON writer is flushed every 64 KiB, and what is kept
/// (at most <see cref="EdgesHeld"/> of a batch's edges, doorbell edges waiting for their device's next event,
/// the engine's findings) does not grow with the number of events or edges written. The hb edges come from the engine itself
/// (<see cref="ReplayOptions.EdgeObserver"/>), not from a second copy of the model's rules.
/// </remarks>
public sealed partial class PerfettoExport
{
    const double SliceLength = 0.8, FlowOffset = 0.4;
    const int AgentsPid = 1, FindingsPid = 2;
    /// <summary>Doorbell edges kept per agent until its next event; a device that never acts cannot grow them further.</summary>
    const int PendingCap = 4096;
    const int FlushBytes = 1 << 16;
    /// <summary>
    /// Edges kept before the events they follow are written. An event may take an edge per sync byte it reads (a
    /// 4 KiB load of a region whose every byte another release wrote: 4,096), so a batch's edges are bounded by its
    /// bytes, not its events; past this many the batch's events are written up to the latest edge's.
    /// </summary>
    internal const int EdgesHeld = 1 << 16;

    readonly TraceMetadata _md;
    readonly RegionNames _regions;
    readonly Utf8JsonWriter _json;
    readonly ExportWindow _window;
    readonly char[] _text = new char[16384];
    readonly List<HbEdge> _edges = [];
    readonly int _edgesHeld;
    /// <summary>The batch being replayed, and how many of its events (with the edges taken at them) are written.</summary>
    EventBatch? _batch;
    int _written, _mostKept;
    readonly List<(long From, int FromAgent)>[] _pending;
    /// <summary>Per agent, how many edges from before the window wait for its next event (counted, not kept).</summary>
    readonly long[] _pendingFromOutside;
    long _nextFlow = 1, _events, _flows, _findings, _cut;

    PerfettoExport(TraceMetadata metadata, Utf8JsonWriter json, ExportWindow window, int edgesHeld)
    {
        _edgesHeld = edgesHeld;
        _md = metadata;
        _regions = new RegionNames(metadata);
        _json = json;
        _window = window;
        _pending = [.. metadata.Agents.Select(_ => new List<(long, int)>())];
        _pendingFromOutside = new long[metadata.Agents.Count];
    }

    /// <summary>
    /// Replays <paramref name="reader"/> from its first event to the end of <paramref name="window"/> and
    /// writes the window's events, edges and findings to <paramref name="output"/>. <paramref name="events"/>
    /// looks up the events findings name (message, agents); <paramref name="progress"/> sees the events replayed.
    /// </summary>
    public static ExportSummary Write(TraceReader reader, IEventLookup events, ExportWindow window, Stream output, Action<long>? progress = null) =>
        Write(reader, events, window, output, progress, EdgesHeld, out _);

    /// <summary>
    /// <see cref="Write(TraceReader, IEventLookup, ExportWindow, Stream, Action{long}?)"/> keeping at most
    /// <paramref name="edgesHeld"/> edges (tests); <paramref name="mostKept"/> is how many it kept at once.
    /// </summary>
    internal static ExportSummary Write(TraceReader reader, IEventLookup events, ExportWindow window, Stream output, Action<long>? progress,
        int edgesHeld, out int mostKept)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(events);
        // Relaxed escaping: a file for a viewer, not HTML; sites like "desc->own" stay readable.
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var export = new PerfettoExport(reader.Metadata, json, window, edgesHeld);
        var engine = DetectorRegistry.CreateEngine(reader.Metadata, new ReplayOptions { EdgeObserver = export.TakeLater });

        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ns");
        json.WritePropertyName("traceEvents");
        json.WriteStartArray();
        export.WriteTracks();
        var batch = new EventBatch(65536);
        // A refused event is named by file, chunk and index, as replay names it (the engine's own message has the index only).
        var check = new TraceEventCheck(reader.Metadata, reader.FileName);
        long replayed = 0, chunk = 0;
        while (replayed < window.End && reader.ReadBatch(batch))
        {
            export.StartBatch(batch);
            TraceReplay.Replay(engine, batch, check, chunk++);
            export.WriteBatch();
            replayed += batch.Count;
            progress?.Invoke(replayed);
        }
        foreach (var pending in export._pending) export._cut += pending.Count;
        export.WriteFindings(engine.Complete(), events);
        json.WriteEndArray();
        export.WriteOtherData(reader, replayed);
        json.WriteEndObject();
        json.Flush();
        mostKept = export._mostKept;
        return new ExportSummary(export._events, export._flows, export._findings, export._cut, reader.Truncated);
    }

    /// <summary>Names the tracks: one process for the agents (a thread each, in agent order), one for findings.</summary>
    void WriteTracks()
    {
        WriteMetadataRecord("process_name", AgentsPid, null, "name", _md.Name.Length > 0 ? _md.Name : "trace");
        WriteMetadataRecord("process_sort_index", AgentsPid, null, "sort_index", 0);
        for (int a = 0; a < _md.Agents.Count; a++)
        {
            WriteMetadataRecord("thread_name", AgentsPid, a + 1, "name", _md.Agents[a].Name);
            WriteMetadataRecord("thread_sort_index", AgentsPid, a + 1, "sort_index", a);
        }
        WriteMetadataRecord("process_name", FindingsPid, null, "name", "findings");
        WriteMetadataRecord("process_sort_index", FindingsPid, null, "sort_index", 1);
    }

    void WriteMetadataRecord(string name, int pid, int? tid, string key, string value)
    {
        StartRecord(ExportNames.Metadata, name, pid, tid ?? 0);
        _json.WriteStartObject(ExportNames.Args);
        _json.WriteString(key, value);
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    void WriteMetadataRecord(string name, int pid, int? tid, string key, int value)
    {
        StartRecord(ExportNames.Metadata, name, pid, tid ?? 0);
        _json.WriteStartObject(ExportNames.Args);
        _json.WriteNumber(key, value);
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    /// <summary>Opens one trace-event object with its common fields.</summary>
    void StartRecord(JsonEncodedText phase, ReadOnlySpan<char> name, int pid, int tid)
    {
        _json.WriteStartObject();
        _json.WriteString(ExportNames.Ph, phase);
        _json.WriteString(ExportNames.Name, name);
        _json.WriteNumber(ExportNames.Pid, pid);
        _json.WriteNumber(ExportNames.Tid, tid);
    }

    /// <summary>Opens one trace-event object whose name is a constant.</summary>
    void StartRecord(JsonEncodedText phase, JsonEncodedText name, int pid, int tid)
    {
        _json.WriteStartObject();
        _json.WriteString(ExportNames.Ph, phase);
        _json.WriteString(ExportNames.Name, name);
        _json.WriteNumber(ExportNames.Pid, pid);
        _json.WriteNumber(ExportNames.Tid, tid);
    }

    void FlushIfFull()
    {
        if (_json.BytesPending >= FlushBytes) _json.Flush();
    }

    void WriteOtherData(TraceReader reader, long replayed)
    {
        _json.WriteStartObject("otherData");
        _json.WriteString("tool", $"tracetools {CommandLine.Version}");
        _json.WriteString("arch", _md.Arch.Name());
        _json.WriteNumber("events_replayed", replayed);
        _json.WriteNumber("window_from", _window.From);
        if (_window.End != long.MaxValue) _json.WriteNumber("window_end", _window.End);
        _json.WriteNumber("events", _events);
        _json.WriteNumber("hb_flows", _flows);
        _json.WriteNumber("hb_edges_cut_by_window", _cut);
        _json.WriteNumber("findings", _findings);
        _json.WriteBoolean("truncated", reader.Truncated);
        _json.WriteEndObject();
    }
}
