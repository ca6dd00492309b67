using System.Runtime.InteropServices;

namespace TraceTools.Cli.Files;

/// <summary>What a path names, as far as writing and reading it goes.</summary>
public enum FileKind
{
    /// <summary>Nothing exists there.</summary>
    Missing,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A character device (<c>/dev/null</c>, <c>/dev/full</c>, a tty).</summary>
    CharDevice,
    /// <summary>A block device.</summary>
    BlockDevice,
    /// <summary>A named pipe.</summary>
    Fifo,
    /// <summary>A socket.</summary>
    Socket,
    /// <summary>
    /// Something that exists and is not a directory, of a type that could not be told (<c>statx</c> missing,
    /// as on musl, or refused by a seccomp filter): it may be a device, so it is written in place, never
    /// renamed over.
    /// </summary>
    Unknown,
}

/// <summary>
/// Tells the type of a path, following symlinks. The BCL says only file or directory, and a device node
/// or a FIFO looks like a file to it; written by hand because the one call needed (<c>statx</c>, whose
/// buffer layout is the same on every Linux architecture, unlike <c>struct stat</c>) does not justify a
/// POSIX binding package.
/// </summary>
public static class FileKinds
{
    /// <summary>The kind of <paramref name="path"/>, symlinks followed.</summary>
    public static FileKind Of(string path)
    {
        if (OperatingSystem.IsLinux() && TryStatx(path, out var kind)) return kind;
        return WithoutStatx(path);
    }

    /// <summary>
    /// What the BCL alone can tell: a directory, nothing, or something else. On Linux that something else
    /// may be <c>/dev/null</c> (the BCL calls a device a file), so it is <see cref="FileKind.Unknown"/>, not
    /// <see cref="FileKind.Regular"/>: renaming a temporary file over it would replace the device.
    /// </summary>
    public static FileKind WithoutStatx(string path)
    {
        if (Directory.Exists(path)) return FileKind.Directory;
        if (!File.Exists(path)) return FileKind.Missing;
        return OperatingSystem.IsLinux() ? FileKind.Unknown : FileKind.Regular;
    }

    /// <summary>True for kinds that are written in place, not through a temporary file (and read without seeking).</summary>
    public static bool IsStream(this FileKind kind) => kind is FileKind.CharDevice or FileKind.BlockDevice or FileKind.Fifo or FileKind.Unknown;

    const int AtFdCwd = -100, StatxType = 1, ModeOffset = 28, StatxSize = 256;
    const int Enoent = 2, Eacces = 13, Enotdir = 20;

    static bool TryStatx(string path, out FileKind kind)
    {
        kind = FileKind.Regular;
        var buffer = new byte[StatxSize];
        int rc;
        try
        {
            rc = Statx(AtFdCwd, path, 0, StatxType, buffer);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        if (rc != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir) { kind = FileKind.Missing; return true; }
            // A directory on the way that the user may not search: taken as a file, whose open then says "permission
            // denied" (File.Exists says false, and the file was "no such file").
            if (errno == Eacces) return true;
            return false;
        }
        int mode = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000;
        kind = mode switch
        {
            0x4000 => FileKind.Directory,
            0x2000 => FileKind.CharDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            _ => FileKind.Regular,
        };
        return true;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
