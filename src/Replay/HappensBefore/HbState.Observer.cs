using System.Runtime.CompilerServices;

namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    Action<HbEdge>? _edgeObserver;

    /// <summary><see cref="ReplayOptions.EdgeObserver"/>: null unless a tool (export) watches the edges (set before the first event).</summary>
    internal Action<HbEdge>? EdgeObserver
    {
        get => _edgeObserver;
        set
        {
            // Releases made before would have no header for the observer to read (and a reused slot's stale serial).
            if (Arena.AnyRented) ReplayThrow.ObserverLate();
            _edgeObserver = value;
            _headerless = Headerless();
        }
    }

    /// <summary>Reports an edge from <paramref name="from"/>'s latest event (its release) when observed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void ObserveEdge(int from, int to, long index, bool toNext)
    {
        if (EdgeObserver is { } observer && from != to && Time[from] != 0)
            observer(new HbEdge(Time[from] - 1L, from, index, to, toNext));
    }
}
