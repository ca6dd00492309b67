namespace TraceTools.TraceFormat;

/// <summary>
/// Base of every "the input is wrong" error (a corrupt trace, a scenario with an error). The CLI
/// prints <see cref="Exception.Message"/> as one line and exits 2; it never prints a stack trace
/// for these. The message already names the file and the position (line:column or byte offset).
/// </summary>
public abstract class BadInputException : Exception
{
    /// <summary>Creates the exception with its complete one-line message.</summary>
    protected BadInputException(string message, Exception? inner = null) : base(message, inner) { }
}
