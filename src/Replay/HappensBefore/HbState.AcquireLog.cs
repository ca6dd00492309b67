using TraceTools.Replay.Clocks;
using System.Runtime.CompilerServices;
namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    /// <summary>
    /// A cpu's plain acquires that raised its HB component of some device while LOADS lagged: the
    /// <c>acquire</c> of a stale-cpu-read is the first one that brought the device write into HB. Entries
    /// already covered by LOADS can never be named again and are dropped when a read barrier folds.
    /// </summary>
    sealed class AcquireLog
    {
        readonly List<(int Device, uint Value, long Index)> _entries = [];

        const int Cap = 1 << 16;

        public int Count => _entries.Count;

        public void Add(int device, uint value, long index)
        {
            // Code that never folds (no read barrier ever) would grow this forever: keep the newest half.
            if (_entries.Count == Cap) _entries.RemoveRange(0, Cap / 2);
            _entries.Add((device, value, index));
        }

        public long FirstReaching(int device, uint time)
        {
            foreach (var e in _entries)
                if (e.Device == device && e.Value >= time) return e.Index;
            return -1;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Prune(HbState state, int cpu)
        {
            if (_entries.Count == 0) return;
            uint[] loads = state.Loads;
            int row = cpu * state.Width, kept = 0;
            for (int i = 0; i < _entries.Count; i++)
            {
                var e = _entries[i];
                if (e.Value > loads[row + e.Device]) _entries[kept++] = e;
            }
            _entries.RemoveRange(kept, _entries.Count - kept);
        }
    }

    /// <summary>Entries in a cpu's edge log (for tests: it must stay bounded).</summary>
    internal int ReleaseLogCount(int cpu) => _edges[cpu].Count;

    /// <summary>Entries in a cpu's acquire log.</summary>
    internal int AcquireLogCount(int cpu) => _acquires[cpu].Count;

    /// <summary>Trace index of the first plain acquire of <paramref name="cpu"/> that made (device, time) hb-before it, or -1.</summary>
    internal long AcquireReaching(int cpu, int device, uint time) => _acquires[cpu].FirstReaching(device, time);

    /// <summary>The current load's own acquired release counts for its own data bytes (joined into <see cref="SelfLoads"/>).</summary>
    internal void JoinSelfLoads(int cpu, int handle)
    {
        var released = Arena.Hb(Arena.SlotOf(handle));
        if (_selfLoadsAgent != cpu)
        {
            ClockKernels.Copy(Simd, SelfLoads, released);
            _selfLoadsAgent = cpu;
        }
        else ClockKernels.Join(Simd, SelfLoads, released);
        // A shared slot holds the own time of the release that filled it: this one's is later.
        if (ClockArena.IsShared(handle)) RaiseTo(SelfLoads, Arena.StampOf(handle).Agent, Arena.StampOf(handle).Time);
    }

    /// <summary>The current load's data checks are over: its own acquires count only through LOADS again.</summary>
    internal void EndSelfLoads() => _selfLoadsAgent = -1;
}
