namespace TraceTools.Cli.Files;

/// <summary>Refuses, before any work, an output that cannot fit on its file system.</summary>
public static class DiskSpace
{
    /// <summary>
    /// A lower bound of synth's bytes per event on disk (driver-mix writes about 2.9 with lz4), so the check
    /// never refuses a run that would fit.
    /// </summary>
    public const long SynthBytesPerEvent = 2;

    /// <summary>Throws a <see cref="FileError"/> when the file system of <paramref name="path"/> has less than <paramref name="bytes"/> free.</summary>
    public static void Require(string verb, string path, long bytes, string what)
    {
        long free;
        try
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            free = new DriveInfo(dir).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return; // a file system that cannot tell its free space is not refused
        }
        if (bytes > free)
            throw new FileError($"tracetools {verb}: cannot write '{path}': {what} needs about {Amount(bytes)} and the file system has {Amount(free)} free");
    }

    /// <summary>Bytes in the unit that shows them with at least two digits (a 200 KB need on a 64 KiB file system is not "0 MiB and 0 MiB").</summary>
    public static string Amount(long bytes) =>
        bytes >= 10L << 30 ? $"{bytes >> 30} GiB" : bytes >= 10L << 20 ? $"{bytes >> 20} MiB" : bytes >= 10L << 10 ? $"{bytes >> 10} KiB" : $"{bytes} bytes";
}
