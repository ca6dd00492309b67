using System.Runtime.CompilerServices;

namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    /// <summary><see cref="ReplayOptions.EdgeObserver"/>: null unless a tool (export) watches the edges.</summary>
    internal Action<HbEdge>? EdgeObserver;

    /// <summary>Reports an edge from <paramref name="from"/>'s latest event (its release) when observed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void ObserveEdge(int from, int to, long index, bool toNext)
    {
        if (EdgeObserver is { } observer && from != to && Time[from] != 0)
            observer(new HbEdge(Time[from] - 1L, from, index, to, toNext));
    }
}
