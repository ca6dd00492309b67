using TraceTools.TraceFormat;

namespace TraceTools.Cli.Replaying;

/// <summary>The trace file was cut or replaced between replay reading it and the report looking events up in it.</summary>
public sealed class TraceChangedException(string message) : BadInputException(message);
