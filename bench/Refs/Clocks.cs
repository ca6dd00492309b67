using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TraceTools.Bench.Refs;

/// <summary>
/// The clock the references time with, in Stopwatch-like ticks of <see cref="Frequency"/> per second:
/// wall time (the default, what the engine's --stats reports), or with <c>--clock cpu</c> this thread's CPU
/// time (clock_gettime(CLOCK_THREAD_CPUTIME_ID), Linux): on a machine shared with other jobs, time spent
/// descheduled then does not count, so A/B comparisons during development stay readable.
/// </summary>
static partial class Clocks
{
    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    const int ThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>True to read thread CPU time instead of wall time.</summary>
    public static bool UseCpuTime { get; set; }

    /// <summary>Ticks per second of <see cref="Now"/>.</summary>
    public static long Frequency => UseCpuTime ? 1_000_000_000 : Stopwatch.Frequency;

    /// <summary>The current reading of the chosen clock.</summary>
    public static long Now()
    {
        if (!UseCpuTime) return Stopwatch.GetTimestamp();
        if (ClockGetTime(ThreadCpuTimeId, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }
}
