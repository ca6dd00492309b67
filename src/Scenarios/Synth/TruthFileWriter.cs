using TraceTools.Scenarios.Internals;
using TraceTools.Replay.Findings;
using System.Text.Json;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// Streams the ground truth to <c>OUT.trace.truth.json</c> as <c>{"bugs": [{"kind": "...", "trigger": N}, ...]}</c>,
/// in the order the generator reports (rising trigger). Written to a temporary file beside the target and
/// renamed by <see cref="Commit"/>; disposing without committing deletes it, so nothing half-written stays.
/// </summary>
public sealed class TruthFileWriter : IExpectedFindingSink, IDisposable
{
    readonly string? _path;
    readonly string? _tempPath;
    readonly Stream _stream;
    readonly bool _ownsStream;
    readonly Utf8JsonWriter _json;
    long _lastTrigger = -1;
    bool _done;

    /// <summary>The truth file that goes with <paramref name="tracePath"/>.</summary>
    public static string PathFor(string tracePath) => tracePath + ".truth.json";

    /// <summary>Starts writing the truth destined for <paramref name="path"/>.</summary>
    public TruthFileWriter(string path)
    {
        _path = path;
        _tempPath = path + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
        _stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _ownsStream = true;
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Indented = true });
        _json.WriteStartObject();
        _json.WriteStartArray("bugs");
    }

    /// <summary>
    /// Writes the truth into <paramref name="stream"/>, which the caller commits (so that the trace and its
    /// truth are committed together); <see cref="Commit"/> then only closes the JSON.
    /// </summary>
    public TruthFileWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Indented = true });
        _json.WriteStartObject();
        _json.WriteStartArray("bugs");
    }

    /// <summary>Number of findings written.</summary>
    public long Count { get; private set; }

    /// <inheritdoc/>
    public void Add(in ExpectedFinding finding)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        // The generator reports at emission time; anything else would be a generator bug.
        if (finding.Trigger < _lastTrigger) ScenarioThrow.Invalid($"truth out of order: {finding} after trigger {_lastTrigger}");
        _lastTrigger = finding.Trigger;
        _json.WriteStartObject();
        _json.WriteString("kind", finding.Kind.Name());
        _json.WriteNumber("trigger", finding.Trigger);
        _json.WriteEndObject();
        Count++;
        if (_json.BytesPending > 1 << 15) _json.Flush();
    }

    /// <summary>Closes the JSON and (when writing to a path) atomically replaces the target with it.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
        _stream.Flush();
        Close();
        if (_tempPath is not null) File.Move(_tempPath, _path!, overwrite: true);
    }

    /// <summary>Discards the temporary file unless <see cref="Commit"/> ran.</summary>
    public void Dispose()
    {
        if (_done) return;
        Close();
        if (_tempPath is null) return;
        try { File.Delete(_tempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    void Close()
    {
        _done = true;
        _json.Dispose();
        if (_ownsStream) _stream.Dispose();
    }
}
