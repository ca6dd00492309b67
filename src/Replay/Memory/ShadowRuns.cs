using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Runs of equal shadow values: detectors judge one run of equal epochs at a time, so a 4 KiB access
/// costs a handful of scans and a 4-byte one none.
/// </summary>
/// <remarks>
/// Probes the first <see cref="SmallSpans.Scalar"/> elements one by one: most runs are one store's 4 or 8
/// bytes, and a vector search of the rest of a long access per short run cost ~10% of replay. Only a run
/// that outlasts the probe is finished with vectorized searches.
/// </remarks>
static class ShadowRuns
{
    /// <summary>Length of the run from <paramref name="k"/> to <paramref name="end"/> over which both columns keep their value at k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, int k, int end)
    {
        ulong va = a[k], vb = b[k];
        int j = k + 1, probe = Math.Min(end, k + SmallSpans.Scalar);
        while (j < probe && a[j] == va && b[j] == vb) j++;
        if (j < probe || j >= end) return j - k;
        int ra = a[j..end].IndexOfAnyExcept(va);
        int rb = b[j..end].IndexOfAnyExcept(vb);
        int r = ra < 0 ? end - j : ra;
        return j - k + (rb < 0 ? r : Math.Min(r, rb));
    }

    /// <summary>Length of the run from <paramref name="k"/> to <paramref name="end"/> over which the column keeps its value at k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length<T>(ReadOnlySpan<T> a, int k, int end) where T : struct, IEquatable<T>
    {
        T v = a[k];
        int j = k + 1, probe = Math.Min(end, k + SmallSpans.Scalar);
        while (j < probe && a[j].Equals(v)) j++;
        if (j < probe || j >= end) return j - k;
        int r = a[j..end].IndexOfAnyExcept(v);
        return j - k + (r < 0 ? end - j : r);
    }
}
