using System.Numerics;
using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// One shadow page's bound on its cpu stores: per cpu that stored to the page, the local time of its latest
/// store there. Local times rise per cpu, so every store whose cell the page still holds is at or before its
/// cpu's bound, and "is every one of them in this clock row" is one compare per cpu instead of a walk over the
/// cells. Four cpus keep their own bound; a page more cpus store to folds the others into one (the latest
/// store of any of them, for each of them): a looser bound, never a wrong one.
/// </summary>
struct LatestStores
{
    [InlineArray(Slots)]
    struct Bounds
    {
        ulong _first;
    }

    const int Slots = 4;

    // Packed epochs (Epoch.Pack: agent, time), 0 = free; filled in order, so the first free one ends the list.
    Bounds _bounds;
    // The cpus past the fourth (bit = agent mod 64) and the latest store of any of them.
    ulong _others;
    uint _othersLatest;

    /// <summary>Notes a store of <paramref name="cpu"/> at local time <paramref name="time"/> (not earlier than its stores noted before).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Note(int cpu, uint time)
    {
        // On the write path: the first slot's cpu inline (a page most often has one storer), the rest out of line.
        // A free first slot reads as cpu 0, and then cpu 0 is exactly who takes it.
        if (_bounds[0] >> 32 == (uint)cpu) _bounds[0] = Epoch.Pack(cpu, time);
        else NoteOther(cpu, time);
    }

    // Fully optimized at first call: every store by a page's second to fourth cpu comes here, and at tier 0 it
    // ran for a whole replay (1.4 % of a 10^7 replay's samples, plus its un-inlined span helper).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void NoteOther(int cpu, uint time)
    {
        for (int i = 0; i < Slots; i++)
        {
            ulong b = _bounds[i];
            // The same cpu, or the first free slot (time is never 0, so a used slot is never 0).
            if (b == 0 || b >> 32 == (uint)cpu)
            {
                _bounds[i] = Epoch.Pack(cpu, time);
                return;
            }
        }
        _others |= 1UL << (cpu & 63);
        _othersLatest = time;
    }

    /// <summary>False when <paramref name="cpu"/> never stored to the page (then the page holds no cell of its stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool MayHold(int cpu)
    {
        for (int i = 0; i < Slots; i++)
        {
            ulong b = _bounds[i];
            if (b == 0) return false;
            if (b >> 32 == (uint)cpu) return true;
        }
        return (_others & (1UL << (cpu & 63))) != 0;
    }

    /// <summary>
    /// True when <paramref name="row"/> (a clock row indexed by agent, <paramref name="agents"/> long) is at or
    /// after every cpu's bound: then every store the page holds is at or before its cpu's component of the row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool AllAtOrBefore(ReadOnlySpan<uint> row, int agents)
    {
        for (int i = 0; i < Slots; i++)
        {
            ulong b = _bounds[i];
            if (b == 0) return true; // slots fill in order: none after a free one, and no others before all four are used
            if (row[(int)(b >> 32)] < (uint)b) return false;
        }
        return _others == 0 || OthersAtOrBefore(row, agents);
    }

    // A bit stands for every agent of its residue mod 64 (traces with more than 64 agents).
    readonly bool OthersAtOrBefore(ReadOnlySpan<uint> row, int agents)
    {
        for (ulong m = _others; m != 0; m &= m - 1)
            for (int a = BitOperations.TrailingZeroCount(m); a < agents; a += 64)
                if (row[a] < _othersLatest) return false;
        return true;
    }
}
