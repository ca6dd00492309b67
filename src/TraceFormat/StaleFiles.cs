using System.Globalization;

namespace TraceTools.TraceFormat;

/// <summary>
/// The sweep of files a killed tracetools left (a temporary output, an import's spill): named
/// <c>PREFIX PID-…</c>, they are deleted once process PID is no longer running, and those of every process still
/// running (a concurrent run) are spared. One rule for the CLI's outputs and the importers' spills.
/// </summary>
public static class StaleFiles
{
    /// <summary>
    /// Deletes the files of <paramref name="directory"/> matching <paramref name="pattern"/> (a
    /// <see cref="Directory.EnumerateFiles(string, string)"/> pattern starting with <paramref name="prefix"/>) whose
    /// name continues after <paramref name="prefix"/> with the id of a process no longer running and a dash. Never
    /// throws: the sweep is a courtesy, and the directory may go away or become unreadable mid-sweep.
    /// </summary>
    public static void Remove(string directory, string prefix, string pattern)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, pattern))
            {
                var name = Path.GetFileName(file.AsSpan());
                if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var rest = name[prefix.Length..];
                int dash = rest.IndexOf('-');
                if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (pid == Environment.ProcessId || IsRunning(pid)) continue;
                try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>True while process <paramref name="pid"/> runs (on Linux, while <c>/proc/PID</c> exists).</summary>
    public static bool IsRunning(int pid)
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
