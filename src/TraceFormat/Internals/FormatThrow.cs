using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace TraceTools.TraceFormat.Internals;

/// <summary>The project's throw helpers: keep throws out of hot methods so they inline and stay small.</summary>
[StackTraceHidden]
static class FormatThrow
{
    /// <summary>A malformed trace at <paramref name="offset"/> in chunk <paramref name="chunk"/> (-1: header).</summary>
    [DoesNotReturn]
    public static void Format(string file, long offset, long chunk, string problem, ReadOnlySpan<byte> bytes = default, string? where = null) =>
        throw new TraceFormatException(file, offset, chunk, problem, bytes.IsEmpty ? null : Hex(bytes), where);

    /// <summary>A file that does not start with the trace magic at <paramref name="offset"/>.</summary>
    [DoesNotReturn]
    public static void NotATrace(string file, long offset, string problem, ReadOnlySpan<byte> bytes) =>
        throw new TraceFormatException(file, offset, -1, problem, Hex(bytes)) { NotATrace = true };

    /// <summary>A malformed footer (the chunk index or the trailer).</summary>
    [DoesNotReturn]
    public static void Footer(string file, long offset, string problem, ReadOnlySpan<byte> bytes = default) =>
        Format(file, offset, -1, problem, bytes, "footer");

    /// <summary>A bad argument from the producer of a trace.</summary>
    [DoesNotReturn]
    public static void Argument(string message, string paramName) => throw new ArgumentException(message, paramName);

    /// <summary>A broken internal invariant or a native call that failed where it cannot on valid input.</summary>
    [DoesNotReturn]
    public static void Invalid(string message) => throw new InvalidOperationException(message);

    /// <summary>An operation the stream or reader cannot do (seeking a pipe).</summary>
    [DoesNotReturn]
    public static void NotSupported(string message) => throw new NotSupportedException(message);

    /// <summary>A SIMD path called on a cpu without <paramref name="feature"/>: callers choose the path by its <c>IsSupported</c> first.</summary>
    [DoesNotReturn]
    public static void NoCpuSupport(string feature) => throw new PlatformNotSupportedException($"no {feature} on this cpu");

    /// <summary>Using the writer after <see cref="TraceWriter.Complete"/> or disposal.</summary>
    [DoesNotReturn]
    public static void WriterClosed() => throw new InvalidOperationException("the trace writer is already complete");

    /// <summary>A chunk past <see cref="FormatLayout.MaxChunks"/>: the producer did not check its events against <see cref="TraceWriterOptions.MaxEvents"/>.</summary>
    [DoesNotReturn]
    public static void TooManyChunks() =>
        throw new InvalidOperationException($"a trace holds at most {FormatLayout.MaxChunks:N0} chunks (the reader's cap): check the event count against TraceWriterOptions.MaxEvents before writing");

    /// <summary>Up to 16 bytes in hex, with an ellipsis when there are more.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= 16 ? Convert.ToHexString(bytes).ToLowerInvariant() : Convert.ToHexString(bytes[..16]).ToLowerInvariant() + "..";
}
