using System.Diagnostics;
using System.Runtime.CompilerServices;
using TraceTools.Replay.Clocks;

namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    /// <summary>
    /// A cpu's plain acquires that raised its HB component of some device while LOADS lagged: the
    /// <c>acquire</c> of a stale-cpu-read is the first one that brought the device write into HB. Entries
    /// already covered by LOADS can never be named again and are dropped when a read barrier folds.
    /// </summary>
    internal sealed class AcquireLog
    {
        readonly List<(int Device, uint Value, long Index)> _entries = [];

        internal const int Cap = 1 << 16;

        /// <summary>
        /// Per device, the positions of its entries in log order, for <see cref="FirstReaching"/>: an entry's value is
        /// the cpu's HB component of the device its acquire raised, so a device's values rise through the log, and the
        /// first one reaching a time is a binary search away. Made by the queries (an acquire only appends), extended by
        /// the entries added since, and made anew after entries moved (the cap, a prune), which cost a pass over the
        /// log themselves. (A scan from the start per query cost a driver that never reads with <c>dma_rmb</c>, one
        /// stale-cpu-read per frame, the whole log per frame: 400,000 frames, 15.3 s.)
        /// </summary>
        List<int>?[] _positions = [];
        int _indexed;
        bool _moved;

        public int Count => _entries.Count;

        public void Add(int device, uint value, long index)
        {
            // Code that never folds (no read barrier ever) would grow this forever: keep the newest half.
            if (_entries.Count == Cap)
            {
                _entries.RemoveRange(0, Cap / 2);
                _moved = true;
            }
            _entries.Add((device, value, index));
        }

        /// <summary>Trace index of the first entry of <paramref name="device"/> whose value reaches <paramref name="time"/>, or -1.</summary>
        public long FirstReaching(int device, uint time)
        {
            Index();
            if ((uint)device >= (uint)_positions.Length || _positions[device] is not { } positions) return -1;
            int lo = 0, hi = positions.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_entries[positions[mid]].Value < time) lo = mid + 1;
                else hi = mid;
            }
            return lo < positions.Count ? _entries[positions[lo]].Index : -1;
        }

        /// <summary>The first entry reaching, by a scan from the start (as before the positions): the tests' twin.</summary>
        internal long FirstReachingByScan(int device, uint time)
        {
            foreach (var e in _entries)
                if (e.Device == device && e.Value >= time) return e.Index;
            return -1;
        }

        /// <summary>Brings the per-device positions up to the log.</summary>
        void Index()
        {
            if (_moved)
            {
                foreach (var positions in _positions) positions?.Clear();
                _indexed = 0;
                _moved = false;
            }
            for (; _indexed < _entries.Count; _indexed++)
            {
                var (device, value, _) = _entries[_indexed];
                if (device >= _positions.Length) Array.Resize(ref _positions, Math.Max(device + 1, 2 * _positions.Length));
                var positions = _positions[device] ??= [];
                Debug.Assert(positions.Count == 0 || _entries[positions[^1]].Value < value, "a device's values rise through the log");
                positions.Add(_indexed);
            }
        }

        /// <summary>Drops the entries the cpu's <paramref name="loads"/> row covers: they can never be named again.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Prune(ReadOnlySpan<uint> loads)
        {
            if (_entries.Count == 0) return;
            int kept = 0;
            for (int i = 0; i < _entries.Count; i++)
            {
                var e = _entries[i];
                if (e.Value > loads[e.Device]) _entries[kept++] = e;
            }
            if (kept == _entries.Count) return;
            _entries.RemoveRange(kept, _entries.Count - kept);
            _moved = true;
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
