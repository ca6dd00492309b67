using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using TraceTools.TraceFormat;

namespace TraceTools.Replay;

/// <summary>A trace the replay cannot interpret (an event contradicts the header).</summary>
public sealed class ReplayInputException : BadInputException
{
    /// <summary>Creates the error; the message names the event index.</summary>
    public ReplayInputException(string message) : base(message) { }

    /// <summary>Trace index of the offending event.</summary>
    public long EventIndex { get; init; }
}

/// <summary>Every throw of the replay, out of line so hot paths stay small.</summary>
[StackTraceHidden]
static class ReplayThrow
{
    [DoesNotReturn]
    public static void ClockWidth() =>
        throw new ArgumentException("clock spans must be equally long and a multiple of the vector width");

    [DoesNotReturn]
    public static void BadEvent(long index, string what) =>
        throw new ReplayInputException($"event #{index}: {what}") { EventIndex = index };

    [DoesNotReturn]
    public static void TraceTooLong(long index) =>
        BadEvent(index, "traces are limited to 2^32 - 1 events (local times are trace indices + 1 in 32 bits)");

    [DoesNotReturn]
    public static void OutOfOrder(long expected, long got) =>
        throw new ReplayInputException($"batch starts at event #{got}, expected #{expected}: batches must arrive in trace order")
        { EventIndex = got };

    [DoesNotReturn]
    public static void NoDetectorFactory() =>
        throw new InvalidOperationException(
            "no detector modules registered: reference TraceTools.Detectors and use DetectorRegistry.CreateEngine, " +
            "or pass detectors to the ReplayEngine constructor");

    [DoesNotReturn]
    public static void Completed() => throw new InvalidOperationException("the replay is already complete");
}
