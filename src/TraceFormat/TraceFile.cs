using System.Security.Cryptography;

namespace TraceTools.TraceFormat;

/// <summary>Whole-file helpers.</summary>
public static class TraceFile
{
    /// <summary>
    /// Writes a trace to <paramref name="path"/>: to <c>PATH.tmp-XXXX</c> beside it, renamed over the target
    /// on success and deleted on any exception, so a failed producer leaves nothing half-written.
    /// <paramref name="path"/> "-" writes to stdout.
    /// </summary>
    public static void Write(string path, TraceMetadata metadata, TraceWriterOptions? options, Action<IEventSink> produce)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(produce);
        if (path == "-")
        {
            using var stdout = Console.OpenStandardOutput();
            // Buffered: the writer issues many small writes (headers) besides the chunks.
            using var buffered = new BufferedStream(stdout, 1 << 16);
            using var writer = new TraceWriter(buffered, metadata, options);
            produce(writer);
            writer.Complete();
            return;
        }
        string temp = $"{path}.tmp-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new TraceWriter(file, metadata, options))
            {
                produce(writer);
                writer.Complete();
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
