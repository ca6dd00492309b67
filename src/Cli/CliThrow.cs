using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace TraceTools.Cli;

/// <summary>The CLI's throw helper: bad usage, printed with the verb's name and exit code 2.</summary>
[StackTraceHidden]
public static class CliThrow
{
    /// <summary>Throws a <see cref="UsageException"/>.</summary>
    [DoesNotReturn]
    public static void Usage(string message) => throw new UsageException(message);

    /// <summary>Throws a <see cref="UsageException"/> where an expression is needed (switch arms).</summary>
    [DoesNotReturn]
    public static T Usage<T>(string message) => throw new UsageException(message);

    /// <summary>Throws for a site asked of an event the findings given to <see cref="Reports.EventSites.Read"/> do not name (a bug, not input).</summary>
    [DoesNotReturn]
    public static void NotNamed(long index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "no finding given names this event");
}
