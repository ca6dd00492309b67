namespace TraceTools.Detectors.LiveEntryWrite;

/// <summary>Where the edges that left one cpu are read: the replay's edge log, or a test's.</summary>
interface IEdgeSource
{
    /// <summary>Position in <paramref name="cpu"/>'s log of its first edge logged at or after trace index <paramref name="since"/>.</summary>
    int FirstLoggedAt(int cpu, long since);

    /// <summary>Edges in <paramref name="cpu"/>'s log.</summary>
    int Logged(int cpu);

    /// <summary>The local time of the release whose edge is at <paramref name="position"/> of <paramref name="cpu"/>'s log.</summary>
    uint ReleaseTimeAt(int cpu, int position);
}

/// <summary>
/// The pending releases (model.md §8) of every entry that no edge has left yet, per (cpu, time), and per cpu where the
/// reading of its edge log resumes. A release can be excused out of turn only by its own edge (the clocks excuse a
/// cpu's stores as a prefix), and it has one only once the edge log holds an edge with its release time: each
/// invalidation reads the edges logged since the last one, once for all entries, and hands each watched release
/// that got one to its entry (<see cref="PendingStores.MarkEdged"/>), which then asks it at every invalidation.
/// So a release nobody read costs its entry nothing at an invalidation that its cpu's bound does not reach.
/// </summary>
/// <remarks>
/// The edge log compacts, but it keeps the edges of live stores (the detector reports its pending stores as held),
/// and it keeps its log order, so the edges logged since a trace index are still found by that index.
/// </remarks>
sealed class ReleaseWatch(int agents)
{
    /// <summary>The entries a watched release waits in: one, or two for a store over two held entries.</summary>
    struct Waiters
    {
        public PendingStores First;
        public PendingStores? Second;
    }

    readonly Dictionary<ulong, Waiters> _waiting = [];
    int[] _watched = new int[Math.Max(agents, 1)];
    long[] _readFrom = new long[Math.Max(agents, 1)];

    /// <summary>Releases watched (tests).</summary>
    public int Count => _waiting.Count;

    static ulong Key(int cpu, uint time) => (ulong)(uint)cpu << 32 | time;

    /// <summary>Watches <paramref name="cpu"/>'s release at <paramref name="time"/> (trace index <paramref name="index"/>), pending in <paramref name="entry"/>.</summary>
    public void Watch(int cpu, uint time, long index, PendingStores entry)
    {
        if (cpu >= _watched.Length)
        {
            Array.Resize(ref _watched, Math.Max(cpu + 1, 2 * _watched.Length));
            Array.Resize(ref _readFrom, _watched.Length);
        }
        ulong key = Key(cpu, time);
        if (_waiting.TryGetValue(key, out var w))
        {
            w.Second = entry; // the same store over a second held entry
            _waiting[key] = w;
            return;
        }
        _waiting[key] = new Waiters { First = entry };
        // No edge logged before the release can be its own: a cpu with nothing watched starts reading here.
        if (_watched[cpu]++ == 0) _readFrom[cpu] = index;
    }

    /// <summary>Stops watching the release for <paramref name="entry"/> (excused by the clocks, or failed).</summary>
    public void Unwatch(int cpu, uint time, PendingStores entry)
    {
        ulong key = Key(cpu, time);
        if (!_waiting.TryGetValue(key, out var w)) return;
        if (w.Second is not null)
        {
            _waiting[key] = new Waiters { First = ReferenceEquals(w.First, entry) ? w.Second : w.First };
            return;
        }
        _waiting.Remove(key);
        _watched[cpu]--;
    }

    /// <summary>
    /// Reads the edges logged since the last read (of each cpu with releases watched) up to the current event at
    /// <paramref name="index"/>; a watched release with an edge goes to its entries' releases asked one by one.
    /// </summary>
    public void ReadEdges<TEdges>(ref TEdges edges, long index) where TEdges : IEdgeSource, allows ref struct
    {
        if (_waiting.Count == 0) return;
        for (int cpu = 0; cpu < _watched.Length; cpu++)
        {
            if (_watched[cpu] == 0) continue;
            int end = edges.Logged(cpu);
            for (int i = edges.FirstLoggedAt(cpu, _readFrom[cpu]); i < end; i++)
            {
                uint time = edges.ReleaseTimeAt(cpu, i);
                if (!_waiting.Remove(Key(cpu, time), out var w)) continue;
                _watched[cpu]--;
                w.First.MarkEdged(cpu, time);
                w.Second?.MarkEdged(cpu, time);
                if (_watched[cpu] == 0) break;
            }
            // Edges logged later at this same index are read again next time: marking is idempotent.
            _readFrom[cpu] = index;
        }
    }
}
