using System.Diagnostics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Memory;

namespace TraceTools.Replay.Detection;

public readonly ref partial struct DetectorView
{
    /// <summary>
    /// True when every cpu store the shadow holds on the pages of <paramref name="access"/> is ob-before its
    /// agent's current event by the OB clock (<see cref="StoreReached"/> without the edge log): each cpu's latest
    /// store to each page is, so every earlier one is too. Then no data byte's last cpu store fails a rule that
    /// needs it not to be reached (stale-dma-read), and its walk can be skipped. One compare per cpu per page, no
    /// cell read; false says nothing (some store on the pages, maybe not one of the access's bytes, is not in the clock).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool StoresReached(in DataAccess access)
    {
        ReplayThrow.Unless((_engine.Needs & DetectorNeeds.WriteHistory) != 0 && _hb.TracksOb, "WriteHistory and ObClocks");
        int agents = _hb.AgentCount;
        var row = _hb.ObStore.AsSpan(access.Agent * _hb.Width, agents);
        ulong end = access.Address + (ulong)access.Size;
        if (!_engine.Shadow.StoresWithin(access.Address, end, row, agents)) return false;
        AssertStoresReached(access);
        return true;
    }

    /// <summary>Debug builds: every data byte's last cpu store is reached when the page bounds say so (the walk the shortcut skips).</summary>
    [Conditional("DEBUG")]
    void AssertStoresReached(in DataAccess access)
    {
        if (WalkLastWriter(access, new NotReached(access.Agent), out var write))
            ReplayThrow.Invalid($"event #{access.Index}: the page bounds said every store was reached, but store #{write.Writer.Index} was not");
    }

    /// <summary>A last cpu store not in the OB clock of <paramref name="agent"/> (the edge log aside).</summary>
    readonly struct NotReached(int agent) : ILastWriterRule
    {
        public WriterSide Side => WriterSide.Cpu;
        public CacheMark Mark => CacheMark.None;
        public bool Fails(DetectorView view, in LastWrite write) => view._hb.ObStoreOf(agent, write.Writer.Agent) < write.Writer.Time;
    }
}
