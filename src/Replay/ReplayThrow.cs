using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using TraceTools.Replay.Findings;
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

    // One method per message, so the hot dispatch loop carries no string formatting.
    [DoesNotReturn] public static void UndeclaredAgent(long index, int agent) => BadEvent(index, $"agent {agent} is not declared");
    [DoesNotReturn] public static void WrongAgentKind(long index, EventKind kind, AgentInfo agent) =>
        BadEvent(index, $"{kind.OpName()} by {(agent.IsCpu ? "cpu" : "device")} {agent.Name}");
    [DoesNotReturn] public static void NoBytes(long index, EventKind kind) => BadEvent(index, $"{kind.OpName()} carries no bytes");
    [DoesNotReturn] public static void NotFetcher(long index, RegionInfo table, AgentInfo agent) =>
        BadEvent(index, $"fetch of {table.Name} by {agent.Name}, which is not its fetcher");
    [DoesNotReturn] public static void GranuleElsewhere(long index, RegionInfo table, ulong address, uint granule) =>
        BadEvent(index, $"fetch 0x{address:x} of {table.Name} names granule {granule}, which is not the granule of its entry its address lies in");
    [DoesNotReturn] public static void OutsideCensus(long index, EventKind kind, ulong page) =>
        BadEvent(index, $"{kind.OpName()} touches page 0x{page << 12:x} that the trace's census leaves out (the census section does not match the events)");
    [DoesNotReturn] public static void UnknownKind(long index, EventKind kind) => BadEvent(index, $"unknown event kind {(byte)kind}");
    [DoesNotReturn] public static void OutsideRegions(long index, EventKind kind, ulong address, int size) =>
        BadEvent(index, $"{kind.OpName()} 0x{address:x} size {size} is outside every region");
    [DoesNotReturn] public static void TouchesMmio(long index, EventKind kind, RegionInfo region) =>
        BadEvent(index, $"{kind.OpName()} touches mmio region {region.Name}");
    [DoesNotReturn] public static void NotMmio(long index, EventKind kind, ulong address, int size) =>
        BadEvent(index, $"{kind.OpName()} 0x{address:x} size {size} is not inside an mmio region");
    [DoesNotReturn] public static void NotTableEntry(long index, ulong address) =>
        BadEvent(index, $"dev_invalidate 0x{address:x} does not name a table entry");
    [DoesNotReturn] public static void NotDevice(long index, uint agent) => BadEvent(index, $"agent {agent} is not a device");
    [DoesNotReturn] public static void UndeclaredLock(long index, uint id) => BadEvent(index, $"lock {id} is not declared");

    [DoesNotReturn]
    public static void TraceTooLong(long index) =>
        BadEvent(index, ReplayEngine.LengthLimit + " (local times are trace indices + 1 in 32 bits)");

    [DoesNotReturn]
    public static void ReleasesOverBudget(long index, int snapshots, int width, int rows, long bytes, long budget) =>
        BadEvent(index, $"the releases held at once outgrow the replay's memory budget: {snapshots:N0} distinct snapshots of {rows} " +
            $"clock row{(rows == 1 ? "" : "s")} of {width:N0} components (one per agent) take {Gib(bytes)} and cannot grow within " +
            $"{Gib(budget)}; a sync byte holds its last release until it is overwritten, and fewer detectors keep fewer rows " +
            "(dma-race alone: one)");

    static string Gib(long bytes) => $"{bytes / (double)(1L << 30):0.00} GiB";

    [DoesNotReturn]
    public static void OutOfOrder(long expected, long got) =>
        throw new ReplayInputException($"batch starts at event #{got}, expected #{expected}: batches must arrive in trace order")
        { EventIndex = got };

    [DoesNotReturn]
    public static void RoleCount(FindingKind kind, int count) =>
        throw new InvalidOperationException(
            $"{kind.Name()} has {kind.Describe().Roles.Count} related roles, a finding reported {count}");

    /// <summary>
    /// Debug builds (the tests): a detector asked a <see cref="Detection.DetectorView"/> query whose state it did
    /// not declare in <see cref="Detection.IDetector.Needs"/>. Release builds skip the check.
    /// </summary>
    [Conditional("DEBUG")]
    public static void Unless(bool kept, string need)
    {
        if (!kept) throw new InvalidOperationException($"a detector queried state it did not declare: needs {need}");
    }

    /// <summary>A broken internal invariant (a bug, not bad input).</summary>
    [DoesNotReturn]
    public static void Invalid(string message) => throw new InvalidOperationException(message);

    /// <inheritdoc cref="Invalid(string)"/>
    [DoesNotReturn]
    public static T Invalid<T>(string message) => throw new InvalidOperationException(message);

    /// <summary>A bad argument from the engine's caller.</summary>
    [DoesNotReturn]
    public static T Argument<T>(string message, string paramName) => throw new ArgumentException(message, paramName);

    /// <summary>An argument outside the range the engine takes.</summary>
    [DoesNotReturn]
    public static void OutOfRange(string paramName, object value, string message) => throw new ArgumentOutOfRangeException(paramName, value, message);

    /// <summary>A wait ended because the replay was disposed.</summary>
    [DoesNotReturn]
    public static void Canceled() => throw new OperationCanceledException();

    [DoesNotReturn]
    public static void ShardsLate() => throw new InvalidOperationException("data shards are set up once, before the first batch");

    [DoesNotReturn]
    public static void Completed() => throw new InvalidOperationException("the replay is already complete");
    [DoesNotReturn]
    public static void NoFinding(int position) =>
        throw new ArgumentOutOfRangeException(nameof(position), position, "no finding (or related event) at this position");

    [DoesNotReturn]
    public static void StoreIsView() =>
        throw new InvalidOperationException("a finding store viewed through positions (sorted or selected) takes no more findings");

    [DoesNotReturn]
    public static void RelatedCount(FindingKind kind, int count) =>
        throw new InvalidOperationException($"{kind.Name()}: a finding carries at most {FindingStore.MaxRelated} related events, not {count}");

    [DoesNotReturn]
    public static void FindingIndex(long index) =>
        throw new InvalidOperationException($"a finding's event index {index} is outside the 0 to {FindingStore.MaxIndex} a finding store holds");

    // Input-driven: a trace may fail a rule on every event; the replay keeps findings in an int-indexed store.
    [DoesNotReturn]
    public static void TooManyFindings(long trigger) =>
        BadEvent(trigger, $"more than {int.MaxValue:N0} findings: the replay keeps at most that many (select fewer detectors with --detectors)");
}
