using TraceTools.TraceFormat;

namespace TraceTools.Importers.Internals;

// The spill's name, and the sweep of those a killed run left: the rule of the CLI's temporary outputs
// (TempFiles.RemoveStale), which spares the files of every process still running.
sealed partial class EventSpill
{
    /// <summary>What a spill file's name starts with; the process id and a random part follow.</summary>
    public const string Prefix = ".tracetools-import-";

    /// <summary>What a spill file's name ends with.</summary>
    public const string Suffix = ".spill";

    /// <summary>
    /// Deletes the <c>.tracetools-import-PID-*.spill</c> files in <paramref name="directory"/> whose PID is no
    /// longer running: what a killed run of a tracetools that kept its spill's name left. Never throws.
    /// </summary>
    public static void RemoveStale(string directory) => StaleFiles.Remove(directory, Prefix, Prefix + "*" + Suffix);

    /// <summary>Removes the name of an open spill (on Unix the file lives on, nameless, until it is closed).</summary>
    static void Unlink(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
