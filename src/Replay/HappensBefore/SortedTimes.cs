using System.Runtime.CompilerServices;

namespace TraceTools.Replay.HappensBefore;

/// <summary>Predecessor search in a sorted array of distinct local times (edge-log compaction).</summary>
static class SortedTimes
{
    /// <summary>
    /// Position in <paramref name="sorted"/> (ascending, distinct) of the largest value ≤ <paramref name="t"/>, or -1.
    /// <paramref name="hint"/> is a previous answer: compaction asks in nearly ascending order of
    /// <paramref name="t"/>, so the answer is usually the hint or the next position, checked before a binary search.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int AtOrBelow(uint[] sorted, uint t, int hint)
    {
        int n = sorted.Length;
        if ((uint)hint < (uint)n && sorted[hint] <= t)
        {
            if (hint + 1 == n || sorted[hint + 1] > t) return hint;
            if (hint + 2 == n || sorted[hint + 2] > t) return hint + 1;
        }
        int lo = 0, hi = n; // answer: the last position with sorted[i] <= t, i.e. (first position with sorted[i] > t) - 1
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) lo = mid + 1;
            else hi = mid;
        }
        return lo - 1;
    }
}
