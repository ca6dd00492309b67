using TraceTools.Importers;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>One imported event as the output trace holds it, with its site text.</summary>
public sealed record ImportedEvent(EventKind Kind, string Agent, ulong Address, int Size, uint Aux, string? Site, byte[] Data)
{
    /// <summary>The bytes as a little-endian value (for MMIO writes).</summary>
    public ulong Value => Data.Length == 0 ? 0 : BitConverter.ToUInt64([.. Data, .. new byte[8 - Data.Length]]);
}

/// <summary>Runs an import over temporary files and reads the trace back.</summary>
public sealed class ImportHarness : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("tt-import-").FullName;

    public string Dir => _dir;

    /// <summary>Writes <paramref name="text"/> to a file in the temp directory; returns its path.</summary>
    public string File(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public ImportSummary Summary { get; private set; } = null!;
    public TraceMetadata Metadata { get; private set; } = null!;

    /// <summary>Imports <paramref name="inputs"/> (name, text) with <paramref name="layout"/> and returns the events.</summary>
    public List<ImportedEvent> Run(string format, string layout, (string Name, string Text)[] inputs,
        bool skipUnmapped = false, bool skipMalformed = false, string? symbols = null, bool relaxedMmio = false,
        IReadOnlyDictionary<string, string>? deviceNames = null)
    {
        var options = new ImportOptions
        {
            Format = format,
            Layout = File("layout.scn", layout),
            Inputs = [.. inputs.Select(i => File(i.Name, i.Text))],
            Output = Path.Combine(_dir, "out.trace"),
            SkipUnmapped = skipUnmapped,
            SkipMalformed = skipMalformed,
            Symbols = symbols,
            RelaxedMmio = relaxedMmio,
            DeviceNames = deviceNames ?? new Dictionary<string, string>(),
        };
        Summary = TraceImport.Run(options);
        return Read(options.Output);
    }

    public List<ImportedEvent> Read(string path)
    {
        using var reader = TraceReader.Open(path);
        Metadata = reader.Metadata;
        var batch = new EventBatch();
        var events = new List<ImportedEvent>();
        while (reader.ReadBatch(batch))
            for (int i = 0; i < batch.Count; i++)
            {
                var e = batch[i];
                events.Add(new ImportedEvent(e.Kind, Metadata.Agents[e.Agent].Name, e.Address, e.Size, e.Aux,
                    e.Site < 0 ? null : Metadata.Sites[e.Site], batch.GetData(i).ToArray()));
            }
        return events;
    }

    /// <summary>Files left in the temp directory besides the inputs (a failed import must leave none).</summary>
    public string[] Leftovers(params string[] inputs) =>
        [.. Directory.GetFiles(_dir).Select(Path.GetFileName).Where(f => f is not "layout.scn" && !inputs.Contains(f))!];

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
