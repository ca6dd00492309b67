using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace TraceTools.Importers.Internals;

/// <summary>The importers' throw helper: keeps throw sites out of the line loops and out of stack traces.</summary>
[StackTraceHidden]
static class ImportThrow
{
    [DoesNotReturn]
    public static void At(string file, long line, int column, string detail) => throw new ImportException(file, line, column, detail);

    [DoesNotReturn]
    public static void File(string file, string detail) => throw new ImportException(file, 0, 0, detail);

    /// <summary>A bad argument from the library's caller (not the input's author).</summary>
    [DoesNotReturn]
    public static void Argument(string message, string paramName) => throw new ArgumentException(message, paramName);

    /// <inheritdoc cref="Argument(string, string)"/>
    [DoesNotReturn]
    public static T Argument<T>(string message, string paramName) => throw new ArgumentException(message, paramName);

    /// <summary>An input, layout or symbols file that cannot be opened: the runtime's message names the path again, or not at all.</summary>
    [DoesNotReturn]
    public static void Unreadable(string file, Exception e) => File(file, e switch
    {
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such directory",
        UnauthorizedAccessException when Directory.Exists(file) => "it is a directory",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    });
}
