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
}
