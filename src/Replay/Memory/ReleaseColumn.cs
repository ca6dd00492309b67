using System.Runtime.CompilerServices;
using TraceTools.Replay.Clocks;

namespace TraceTools.Replay.Memory;

/// <summary>
/// The sync bytes' release column (<see cref="ShadowPage.Release"/>): a store replaces the handles its bytes
/// held by its own release. Each byte holds one reference to its handle; the bytes of one earlier store hold
/// the same handle, so the old references are dropped one run of equal handles at a time (a 4- or 8-byte
/// store over the previous one: one release, not one per byte).
/// </summary>
static class ReleaseColumn
{
    /// <summary>
    /// Drops the references bytes [<paramref name="offset"/>, + <paramref name="length"/>) of
    /// <paramref name="handles"/> hold (handle 0: none) and makes them all refer to <paramref name="release"/>
    /// (whose references the caller added).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Replace(int[] handles, int offset, int length, int release, ClockArena arena)
    {
        ReadOnlySpan<int> old = handles.AsSpan(offset, length);
        for (int k = 0, n; k < old.Length; k += n)
        {
            n = ShadowRuns.Length(old, k, old.Length);
            arena.Release(old[k], n);
        }
        SmallSpans.Fill(handles, offset, length, release);
    }

    /// <summary>The byte-by-byte form (the twin <see cref="Replace"/> is tested against).</summary>
    public static void ReplaceByteByByte(int[] handles, int offset, int length, int release, ClockArena arena)
    {
        foreach (int h in handles.AsSpan(offset, length)) arena.Release(h);
        handles.AsSpan(offset, length).Fill(release);
    }
}
