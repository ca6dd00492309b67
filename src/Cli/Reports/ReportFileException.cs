using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

/// <summary>A suppressions file or baseline that cannot be read or used: one line naming the file (and line:column), exit 2.</summary>
public sealed class ReportFileException(string message) : BadInputException(message);
