using System.Runtime.InteropServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// The live store times one edge-log compaction keeps: gathered unsorted with repeats (<see cref="Start"/>),
/// then put in order once (<see cref="SortedDistinct"/>). The buffers are reused from one compaction to the
/// next: a fresh list, a LINQ Distinct's hash set and a second sort per compaction allocated megabytes on a
/// 10^7-event trace, and on this VM first-touched memory costs a page fault per 4 KiB.
/// </summary>
sealed class StoreTimes
{
    const int SmallSort = 256;
    readonly List<uint> _times = [];
    uint[] _scratch = [];

    /// <summary>The empty list to add this compaction's times to (any order, repeats allowed).</summary>
    public List<uint> Start()
    {
        _times.Clear();
        return _times;
    }

    /// <summary>The times added since <see cref="Start"/>, ascending, each once.</summary>
    public uint[] SortedDistinct()
    {
        var times = CollectionsMarshal.AsSpan(_times);
        if (_scratch.Length < times.Length) _scratch = new uint[Math.Max(times.Length, 2 * _scratch.Length)];
        Sort(times, _scratch);
        return Distinct(times);
    }

    /// <summary>
    /// Sorts <paramref name="keys"/> ascending by bytes, least significant first (<paramref name="scratch"/> at
    /// least as long). A comparison sort of uint under native AOT calls a comparer per compare; this is four
    /// counting passes at most, and a byte all keys share (the top one of times below 2^24) costs one.
    /// </summary>
    public static void Sort(Span<uint> keys, Span<uint> scratch)
    {
        // Short lists: the passes' 256 counters cost more than the compares.
        if (keys.Length < SmallSort)
        {
            keys.Sort();
            return;
        }
        Span<int> starts = stackalloc int[256];
        Span<uint> from = keys, to = scratch[..keys.Length];
        bool inScratch = false;
        for (int shift = 0; shift < 32; shift += 8)
        {
            starts.Clear();
            foreach (uint k in from) starts[(int)(k >> shift) & 0xFF]++;
            if (starts[(int)(from[0] >> shift) & 0xFF] == from.Length) continue;
            int sum = 0;
            for (int b = 0; b < 256; b++)
            {
                int n = starts[b];
                starts[b] = sum;
                sum += n;
            }
            foreach (uint k in from) to[starts[(int)(k >> shift) & 0xFF]++] = k;
            var swap = from;
            from = to;
            to = swap;
            inScratch = !inScratch;
        }
        if (inScratch) from.CopyTo(keys);
    }

    /// <summary>The sorted <paramref name="sorted"/> with repeats dropped, as a new array.</summary>
    public static uint[] Distinct(Span<uint> sorted)
    {
        int kept = 0;
        for (int i = 0; i < sorted.Length; i++)
            if (kept == 0 || sorted[i] != sorted[kept - 1]) sorted[kept++] = sorted[i];
        return sorted[..kept].ToArray();
    }
}
