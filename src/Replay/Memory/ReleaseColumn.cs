using System.Runtime.CompilerServices;
using TraceTools.Replay.Clocks;

namespace TraceTools.Replay.Memory;

/// <summary>
/// The sync bytes' release column (<see cref="ShadowPage.Releases"/>): a store replaces the handles its bytes
/// held by its own release. Each byte holds one reference to its handle; the bytes of one earlier store hold
/// the same handle, so the old references are dropped one run of equal handles at a time (a 4- or 8-byte
/// store over the previous one: one release, not one per byte).
/// </summary>
static class ReleaseColumn
{
    /// <summary>
    /// Drops the references the handles of <paramref name="run"/> (a store's sync bytes on one page) hold (handle 0:
    /// none) and makes them all refer to <paramref name="release"/> (whose references the caller added).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Replace(Span<int> run, int release, ClockArena arena)
    {
        for (int k = 0, n; k < run.Length; k += n)
        {
            n = ShadowRuns.Length<int>(run, k, run.Length);
            arena.Release(run[k], n);
        }
        if (run.Length <= SmallSpans.Scalar)
            for (int k = 0; k < run.Length; k++) run[k] = release;
        else run.Fill(release);
    }

    /// <summary>The byte-by-byte form (the twin <see cref="Replace"/> is tested against).</summary>
    public static void ReplaceByteByByte(Span<int> run, int release, ClockArena arena)
    {
        foreach (int h in run) arena.Release(h);
        run.Fill(release);
    }
}
