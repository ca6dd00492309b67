using System.Text.Json;
using TraceTools.Cli.Exporting;
using TraceTools.Cli.Replaying;
using TraceTools.Detectors;
using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Export;

/// <summary>
/// A 10^6-event synthetic driver trace exported and read back with a streaming JSON reader: valid JSON,
/// every event, every flow paired, every finding; the heap that survives a full collection stays flat
/// while the output grows past 200 MB.
/// </summary>
[TestClass]
public sealed class StreamingExportTests
{
    const int Events = 1_000_000;

    [TestMethod]
    [DoNotParallelize] // heap samples must not see other tests' objects
    public void Export_MillionEvents_ValidJsonWithEverythingAndFlatHeap()
    {
        string dir = Directory.CreateTempSubdirectory("tt-export-1m-").FullName;
        try
        {
            string trace = Path.Combine(dir, "big.trace"), json = Path.Combine(dir, "big.json");
            var (exit, _, err) = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", Events.ToString(), "--inject", "0.001", "-o", trace, "--quiet");
            Assert.AreEqual(0, exit, err);
            int findings = CountFindings(trace);
            Assert.IsGreaterThan(0, findings, "the injected bugs must produce findings");

            var heap = new List<long>();
            long nextSample = 0;
            ExportSummary summary;
            using (var reader = TraceReader.Open(trace))
            using (var lookup = new TraceEventLookup(trace))
            using (var output = new FileStream(json, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                summary = PerfettoExport.Write(reader, lookup, ExportWindow.All, output, replayed =>
                {
                    if (replayed < nextSample) return;
                    nextSample += Events / 8;
                    heap.Add(GC.GetTotalMemory(forceFullCollection: true));
                });
            }
            long jsonBytes = new FileInfo(json).Length;
            Assert.IsGreaterThan(200L << 20, jsonBytes);
            Assert.IsGreaterThanOrEqualTo(8, heap.Count);
            long growth = heap.Skip(1).Max() - heap[1];
            Console.WriteLine($"heap samples (MiB): {string.Join(", ", heap.Select(h => h >> 20))}; json {jsonBytes >> 20} MiB");
            Assert.IsLessThan(32L << 20, growth, $"retained heap grew by {growth >> 20} MiB while writing {jsonBytes >> 20} MiB: [{string.Join(", ", heap.Select(h => h >> 20))}] MiB");

            var read = StreamingRead(json);
            Assert.AreEqual(Events, read.Slices);
            Assert.AreEqual(Events, summary.Events);
            Assert.AreEqual(findings, read.Findings);
            Assert.AreEqual(findings, read.Marks);
            Assert.AreEqual(summary.Flows, read.HbFlows);
            Assert.IsGreaterThan(Events / 20, read.HbFlows, "a driver trace has hb edges");
            Assert.AreEqual(0, read.OpenFlows, "every flow start has its end");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static int CountFindings(string trace)
    {
        using var reader = TraceReader.Open(trace);
        var engine = DetectorRegistry.CreateEngine(reader.Metadata);
        var batch = new EventBatch(65536);
        while (reader.ReadBatch(batch)) engine.Process(batch);
        return engine.Complete().Count;
    }

    sealed class Counts
    {
        public long Slices, Findings, Marks, HbFlows, OpenFlows, NextIndex;
    }

    /// <summary>Reads the file with Utf8JsonReader in 1 MiB blocks (validating it), counting what the export wrote.</summary>
    static Counts StreamingRead(string path)
    {
        var counts = new Counts();
        var open = new HashSet<long>();
        using var file = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int kept = 0;
        var state = new JsonReaderState();
        bool final = false;
        string? property = null, ph = null, cat = null;
        long id = -1, index = -1;
        while (!final)
        {
            int n = file.Read(buffer, kept, buffer.Length - kept);
            final = n == 0;
            var reader = new Utf8JsonReader(buffer.AsSpan(0, kept + n), final, state);
            while (reader.Read())
            {
                int depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject when depth == 2:
                        ph = cat = null;
                        id = index = -1;
                        break;
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.String when depth == 3 && property == "ph":
                        ph = reader.GetString();
                        break;
                    case JsonTokenType.String when depth == 3 && property == "cat":
                        cat = reader.GetString();
                        break;
                    case JsonTokenType.Number when depth == 3 && property == "id":
                        id = reader.GetInt64();
                        break;
                    case JsonTokenType.Number when depth == 4 && property == "index":
                        index = reader.GetInt64();
                        break;
                    case JsonTokenType.EndObject when depth == 2:
                        Count(counts, open, ph, cat, id, index);
                        break;
                }
            }
            state = reader.CurrentState;
            kept = (int)(kept + n - reader.BytesConsumed);
            Array.Copy(buffer, reader.BytesConsumed, buffer, 0, kept);
            if (kept == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        }
        counts.OpenFlows = open.Count;
        return counts;
    }

    static void Count(Counts c, HashSet<long> open, string? ph, string? cat, long id, long index)
    {
        switch (ph, cat)
        {
            case ("X", "event"):
                Assert.AreEqual(c.NextIndex++, index, "events in trace order");
                c.Slices++;
                break;
            case ("X", "finding"): c.Findings++; break;
            case ("i", "finding"): c.Marks++; break;
            case ("s", _):
                Assert.IsTrue(open.Add(id), $"flow {id} started twice");
                if (cat == "hb") c.HbFlows++;
                break;
            case ("f", _):
                Assert.IsTrue(open.Remove(id), $"flow {id} ends before its start");
                break;
        }
    }
}
