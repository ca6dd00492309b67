using TraceTools.TraceFormat;

namespace TraceTools.Importers;

/// <summary>
/// An input line the importer cannot take (malformed, or an address outside the layout without
/// <c>--skip-unmapped</c>). The message is one line, <c>file:line: what is wrong</c> (or
/// <c>file:line:column: ...</c>); the CLI prints it and exits 2.
/// </summary>
public sealed class ImportException : BadInputException
{
    /// <summary>The input file as given on the command line.</summary>
    public string File { get; }
    /// <summary>1-based line of the input (0 when the error is about the whole file).</summary>
    public long Line { get; }
    /// <summary>1-based column, or 0 when not known.</summary>
    public int Column { get; }
    /// <summary>The message without the position prefix.</summary>
    public string Detail { get; }

    /// <summary>Creates the error at <paramref name="file"/>:<paramref name="line"/>[:<paramref name="column"/>].</summary>
    public ImportException(string file, long line, int column, string detail)
        : base($"{Where(file, line, column)}: {detail}")
    {
        File = file;
        Line = line;
        Column = column;
        Detail = detail;
    }

    /// <summary>The position prefix: <c>file</c>, <c>file:line</c> or <c>file:line:column</c> (line or column 0: not known).</summary>
    public static string Where(string file, long line, int column) =>
        line <= 0 ? file : column > 0 ? $"{file}:{line}:{column}" : $"{file}:{line}";
}
