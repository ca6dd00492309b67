using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Files;

/// <summary>
/// The temporary files this process is writing (<c>OUT.tmp-PID-XXXXXXXX</c>, beside their target). They are
/// deleted on SIGINT and SIGTERM before the process ends; a later run for the same target removes those a
/// killed run (SIGKILL) left, recognised by the process id in their name no longer running. A process started
/// with SIGINT ignored (a background job of a script) keeps running on SIGINT and keeps its files: the runtime
/// leaves an inherited ignored SIGINT ignored and calls no handler for it.
/// </summary>
public static class TempFiles
{
    static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);
    static readonly Lock Gate = new();
    static PosixSignalRegistration[]? _registrations;

    /// <summary>A fresh temporary path beside <paramref name="target"/>, registered for cleanup.</summary>
    public static string Create(string target)
    {
        RemoveStale(target);
        string temp = $"{target}{Marker}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
        Register(temp);
        return temp;
    }

    /// <summary>What separates the target's name from the process id in a temporary file's name.</summary>
    public const string Marker = ".tmp-";

    /// <summary>The file is committed or deleted: no longer the signal handler's to remove.</summary>
    public static void Forget(string temp) => Live.TryRemove(temp, out _);

    /// <summary>Deletes <paramref name="temp"/> if it exists and forgets it; never throws.</summary>
    public static void Delete(string temp)
    {
        try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        Forget(temp);
    }

    static void Register(string temp)
    {
        Live[temp] = 0;
        if (Volatile.Read(ref _registrations) is not null) return;
        lock (Gate)
        {
            if (_registrations is not null) return;
            var handler = (PosixSignalContext _) => DeleteAll();
            try
            {
                _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, handler), PosixSignalRegistration.Create(PosixSignal.SIGTERM, handler)];
            }
            catch (PlatformNotSupportedException)
            {
                _registrations = [];
            }
        }
    }

    // The signal's default action (ending the process) follows: the handler only removes the files.
    static void DeleteAll()
    {
        foreach (var temp in Live.Keys) Delete(temp);
    }

    /// <summary>
    /// Deletes <c>TARGET.tmp-PID-*</c> files whose PID is no longer running: what an earlier run killed
    /// with SIGKILL left of its output. Files of running processes (a concurrent run) are left alone.
    /// </summary>
    public static void RemoveStale(string target)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(target));
        string prefix = Path.GetFileName(target) + Marker;
        if (dir is null || prefix.Length == Marker.Length) return;
        StaleFiles.Remove(dir, prefix, prefix + "*");
    }
}
