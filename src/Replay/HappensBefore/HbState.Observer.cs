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
            _edgeObserver = value;
            // An observer reads each release's trace index from its header.
            _headerless = value is null && !TracksOb && !TracksLoads && !TracksEdges;
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
