using System.Globalization;
using TraceTools.TraceFormat;

namespace TraceTools.Bench.Refs;

/// <summary>
/// <c>TraceTools.Bench v1copy TRACE OUT [--format-version N]</c>: copies TRACE to OUT in trace format version 1 (the
/// only version the baseline engine of bench/run.sh reads), event for event, leaving out the events of the kinds v1
/// cannot encode (16 and up: store_release .. ret, added in v3), with the writer's default codec and chunk size. v1
/// has no census and no metadata sections (a trace whose metadata needs one is refused: exit 2). bench/run.sh replays
/// OUT with both the baseline and the current engine, so their ratio is taken on identical events. With
/// <c>--format-version 4</c> the same events (the same kinds left out) are written in the engine's own format, with
/// the census its writer computes: the engine on that copy against the baseline on the v1 one is each engine on the
/// same events in the format it writes.
/// Prints <c>kept K</c> and <c>dropped D</c> on stdout, and the dropped count per kind on stderr.
/// </summary>
static class V1Copy
{
    public static int Run(string[] args)
    {
        int version = 1;
        if (args.Length == 4 && args[2] == "--format-version" && int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v is 1 or 4)
            version = v;
        else if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: TraceTools.Bench v1copy TRACE OUT [--format-version 1|4]");
            return 2;
        }
        using var reader = TraceReader.Open(args[0]);
        var dropped = new long[256];
        long kept = 0;
        try
        {
            using (var output = File.Create(args[1]))
            using (var writer = new TraceWriter(output, reader.Metadata, new TraceWriterOptions { FormatVersion = version }))
            {
                var batch = new EventBatch();
                while (reader.ReadBatch(batch))
                {
                    for (int i = 0; i < batch.Count; i++)
                    {
                        var kind = batch.Kinds[i];
                        if ((int)kind >= V1KindCount)
                        {
                            dropped[(int)kind]++;
                            continue;
                        }
                        writer.Append(batch[i], batch.GetData(i));
                        kept++;
                    }
                }
                writer.Complete();
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"v1copy: {args[0]} cannot be written as format v{version}: {e.Message}");
            File.Delete(args[1]);
            return 2;
        }
        if (reader.Truncated)
        {
            Console.Error.WriteLine($"v1copy: {args[0]} is truncated");
            return 2;
        }
        long total = 0;
        for (int k = 0; k < dropped.Length; k++)
        {
            if (dropped[k] == 0) continue;
            total += dropped[k];
            Console.Error.WriteLine(FormattableString.Invariant($"v1copy: dropped {dropped[k]} {((EventKind)k).OpName()}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kept {kept}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dropped {total}"));
        return 0;
    }

    /// <summary>Kinds 0..15: what format v1 (and the baseline cc56979) holds.</summary>
    const int V1KindCount = 16;
}
