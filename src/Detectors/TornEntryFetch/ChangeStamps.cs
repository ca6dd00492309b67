using System.Numerics;
using System.Runtime.CompilerServices;

namespace TraceTools.Detectors.TornEntryFetch;

/// <summary>
/// A fetcher's stamps of the cpu stores logged to the entry its current run reads (used-bits tables, model.md §8.1):
/// per granule the index of the latest store that changed a byte of it, and per bit of the entry the index of the
/// latest store that changed that bit. A granule read asks its granule's slot, and, when that slot is newer than the
/// run's first read, the slots of the bits its observed configuration uses: the latest store that changed a used bit
/// is the greatest of those. A store costs the bytes it wrote, not the entry's size.
/// </summary>
/// <remarks>
/// This replaced a log of every store since the run began, each with an entry-sized mask of the bits it changed, that
/// each granule read walked back to the run's first read (100,000 stores in one fetch: 1.1 ms per later read, and the
/// masks 100 MB). No slot is cleared when a run begins: a store is stamped only while a run is on its entry, so a slot
/// left by an earlier run holds an index at or below the current run's first read, which the queries compare against.
/// </remarks>
sealed class ChangeStamps
{
    long[] _granules = [], _bits = [];

    /// <summary>Makes room for an entry of <paramref name="entrySize"/> bytes in granules of <paramref name="granule"/> bytes (grows only: slots of a larger entry read before are stale, not wrong).</summary>
    public void Room(int entrySize, int granule)
    {
        int granules = entrySize / granule;
        if (_granules.Length < granules) _granules = Grown(_granules, granules);
        if (_bits.Length < 8 * entrySize) _bits = Grown(_bits, 8 * entrySize);
    }

    static long[] Grown(long[] old, int length)
    {
        var grown = new long[length];
        old.CopyTo(grown, 0);
        grown.AsSpan(old.Length).Fill(-1);
        return grown;
    }

    /// <summary>
    /// Stamps the store <paramref name="index"/>, which wrote <paramref name="after"/> over <paramref name="before"/> at
    /// byte <paramref name="from"/> of the entry: each bit in which they differ, and the granules (of
    /// <paramref name="granule"/> bytes) of those bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(long index, int from, ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, int granule)
    {
        var bits = _bits;
        for (int j = 0; j < before.Length; j++)
        {
            uint changed = (uint)(before[j] ^ after[j]);
            if (changed == 0) continue;
            int k = from + j;
            _granules[(uint)k / (uint)granule] = index;
            do
            {
                bits[8 * k + BitOperations.TrailingZeroCount(changed)] = index;
                changed &= changed - 1;
            }
            while (changed != 0);
        }
    }

    /// <summary>The index of the latest stamped store that changed a byte of granule <paramref name="granule"/>, or one at or below the run's first read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long LatestChange(uint granule) => granule < (uint)_granules.Length ? _granules[granule] : -1;

    /// <summary>
    /// The index of the latest stamped store that changed a bit set in <paramref name="used"/>, the mask of the bytes
    /// from <paramref name="from"/> on (a granule's), or -1 (or an index at or below the run's first read).
    /// </summary>
    public long LatestUsedChange(int from, ReadOnlySpan<byte> used)
    {
        long latest = -1;
        var bits = _bits;
        for (int k = 0; k < used.Length; k++)
        {
            uint mask = used[k];
            int at = 8 * (from + k);
            while (mask != 0)
            {
                latest = Math.Max(latest, bits[at + BitOperations.TrailingZeroCount(mask)]);
                mask &= mask - 1;
            }
        }
        return latest;
    }
}
