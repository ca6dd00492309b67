using System.Numerics;
using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// One shadow page's bound on its cpu stores: per cpu that stored to the page, the local time of its latest
/// store there. Local times rise per cpu, so every store whose cell the page still holds is at or before its
/// cpu's bound, and "is every one of them in this clock row" is one compare per cpu instead of a walk over the
/// cells. Four cpus keep their own bound, a cpu in slot <c>cpu mod 4</c> when free (its home), else in a free
/// one; a page more cpus store to folds the others into one (the latest store of any of them, for each of
/// them): a looser bound, never a wrong one. Home slots keep nearly every store on one inline path: a
/// drv_priv page is stored to by four cpus, and the old fill-in-order slots sent three of them to a search.
/// </summary>
struct LatestStores
{
    [InlineArray(Slots)]
    struct Bounds
    {
        ulong _first;
    }

    const int Slots = 4;

    // Packed epochs (Epoch.Pack: agent, time), 0 = free; a cpu's home is slot cpu mod 4, else the first free one.
    Bounds _bounds;
    // The cpus past four (bit = agent mod 64) and the latest store of any of them.
    ulong _others;
    uint _othersLatest;

    /// <summary>Notes a store of <paramref name="cpu"/> at local time <paramref name="time"/> (not earlier than its stores noted before).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Note(int cpu, uint time)
    {
        // On the write path: the home slot inline. A free home is the cpu's to take: slots never free up, so a cpu
        // kept elsewhere (its home was taken then) or folded (every slot was) never finds its home free.
        ref ulong b = ref _bounds[cpu & (Slots - 1)];
        if (b >> 32 == (uint)cpu || b == 0) b = Epoch.Pack(cpu, time);
        else NoteOther(cpu, time);
    }

    // A cpu whose home another cpu holds (cpus whose ids collide mod 4, or more than four on the page).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void NoteOther(int cpu, uint time)
    {
        int free = -1;
        for (int i = 0; i < Slots; i++)
        {
            ulong b = _bounds[i];
            if (b == 0) { if (free < 0) free = i; }
            else if (b >> 32 == (uint)cpu)
            {
                _bounds[i] = Epoch.Pack(cpu, time);
                return;
            }
        }
        if (free >= 0)
        {
            _bounds[free] = Epoch.Pack(cpu, time);
            return;
        }
        _others |= 1UL << (cpu & 63);
        _othersLatest = time;
    }

    /// <summary>
    /// The local time of the page's latest cpu store, of any cpu (0: none). Local times are trace indices + 1, so the
    /// store noted last is the latest: the greatest bound, or the folded cpus' latest.
    /// </summary>
    public readonly uint Latest
    {
        get
        {
            uint latest = _othersLatest;
            for (int i = 0; i < Slots; i++) latest = Math.Max(latest, (uint)_bounds[i]);
            return latest;
        }
    }

    /// <summary>False when <paramref name="cpu"/> never stored to the page (then the page holds no cell of its stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool MayHold(int cpu)
    {
        for (int i = 0; i < Slots; i++)
        {
            ulong b = _bounds[i];
            if (b != 0 && b >> 32 == (uint)cpu) return true;
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
            if (b != 0 && row[(int)(b >> 32)] < (uint)b) return false;
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
