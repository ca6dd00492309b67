using System.Globalization;

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
    public static void RemoveStale(string directory)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, Prefix + "*" + Suffix);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        try
        {
            foreach (var file in candidates)
            {
                var rest = Path.GetFileName(file).AsSpan(Prefix.Length);
                int dash = rest.IndexOf('-');
                if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (pid == Environment.ProcessId || IsRunning(pid)) continue;
                Unlink(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory went away or became unreadable mid-sweep: the sweep is a courtesy, the import goes on.
        }
    }

    static void Unlink(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
