namespace TraceTools.TraceFormat;

/// <summary>
/// A codec's native library is missing (<c>liblz4.so.1</c>). An <see cref="IOException"/>, so the CLI
/// prints the one-line message and exits 2 like other environment problems.
/// </summary>
public sealed class CodecUnavailableException : IOException
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public CodecUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
