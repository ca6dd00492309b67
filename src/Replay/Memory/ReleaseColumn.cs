using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        var run = Span(handles, offset, length);
        for (int k = 0, n; k < run.Length; k += n)
        {
            n = ShadowRuns.Length<int>(run, k, run.Length);
            arena.Release(run[k], n);
        }
        if (run.Length <= SmallSpans.Scalar)
            for (int k = 0; k < run.Length; k++) run[k] = release;
        else run.Fill(release);
    }

    /// <summary>
    /// Bytes [<paramref name="offset"/>, + <paramref name="length"/>) of a page's release column, inside one
    /// page (<see cref="ShadowPage.Size"/> handles) as every run is. Not bounds-checked: the check read the
    /// array's header, 16 KiB away from most sync bytes, and cost a cache miss per sync access.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<int> Span(int[] handles, int offset, int length)
    {
        Debug.Assert(offset >= 0 && length >= 0 && offset + length <= handles.Length);
        // A register test, so the JIT drops the null check that would load the array's header line.
        if (handles is null) return default;
        return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(handles), offset), length);
    }

    /// <summary>The byte-by-byte form (the twin <see cref="Replace"/> is tested against).</summary>
    public static void ReplaceByteByByte(int[] handles, int offset, int length, int release, ClockArena arena)
    {
        foreach (int h in handles.AsSpan(offset, length)) arena.Release(h);
        handles.AsSpan(offset, length).Fill(release);
    }
}
