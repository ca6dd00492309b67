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
        internal const int Cap = 1 << 16;

        /// <summary>An acquire's raise of one device's component: the value its HB component rose to, at a trace index.</summary>
        struct Entry
        {
            public int Device;
            /// <summary>The raised component (at least 1); 0 once the entry is dropped.</summary>
            public uint Value;
            public long Index;
        }

        // The entries in log order, live and dropped (a drop only marks: removing from the middle moved the tail), and
        // per device the positions of its entries, its live ones from _firstLive on (filed by whatever needs them next,
        // so the acquire path only appends). An entry's value is the cpu's HB component of the device its
        // acquire raised, so a device's values rise through the log: LOADS covers a prefix of each device's entries
        // (a fold drops them in time proportional to what it drops), the cap's oldest half is a prefix of each, and the
        // first entry reaching a time is a binary search. (Before, a fold passed over the whole log, and so did each
        // query: a driver that never reads with dma_rmb, one stale-cpu-read per frame, paid the whole log per frame,
        // 400,000 frames 16.5 s; one whose smp_rmb folds only its cpu acquires, per frame, 100,000 frames 6.9 s.)
        Entry[] _log = []; // a log per agent: traces declaring thousands pay nothing for the ones never raised
        int _end, _live, _head, _indexed;
        List<int>?[] _positions = [];
        int[] _firstLive = [];
        readonly List<int> _devices = [];

        public int Count => _live;

        public void Add(int device, uint value, long index)
        {
            Debug.Assert(value > 0, "a raised component is at least 1");
            // Code that never folds (no read barrier ever) would grow this forever: keep the newest half.
            if (_live == Cap) DropOldest(Cap / 2);
            if (_end == _log.Length) MakeRoom();
            _log[_end++] = new Entry { Device = device, Value = value, Index = index };
            _live++;
        }

        /// <summary>
        /// Files the entries added since into their devices' positions: the acquire path only appends, and the folds,
        /// the cap and the queries, which need the positions, file what came since in one pass.
        /// </summary>
        void Index()
        {
            for (; _indexed < _end; _indexed++)
            {
                ref var e = ref _log[_indexed];
                if (e.Device >= _positions.Length)
                {
                    int length = Math.Max(e.Device + 1, 2 * _positions.Length);
                    Array.Resize(ref _positions, length);
                    Array.Resize(ref _firstLive, length);
                }
                if (_positions[e.Device] is not { } positions)
                {
                    _positions[e.Device] = positions = [];
                    _devices.Add(e.Device);
                }
                Debug.Assert(_firstLive[e.Device] == positions.Count || _log[positions[^1]].Value < e.Value, "a device's values rise through the log");
                positions.Add(_indexed);
            }
        }

        /// <summary>Trace index of the first entry of <paramref name="device"/> whose value reaches <paramref name="time"/>, or -1.</summary>
        public long FirstReaching(int device, uint time)
        {
            Index();
            if ((uint)device >= (uint)_positions.Length || _positions[device] is not { } positions) return -1;
            int lo = _firstLive[device], hi = positions.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_log[positions[mid]].Value < time) lo = mid + 1;
                else hi = mid;
            }
            return lo < positions.Count ? _log[positions[lo]].Index : -1;
        }

        /// <summary>The first entry reaching, by a scan from the log's start (the code before the positions): the tests' twin.</summary>
        internal long FirstReachingByScan(int device, uint time)
        {
            for (int i = 0; i < _end; i++)
                if (_log[i].Value != 0 && _log[i].Device == device && _log[i].Value >= time) return _log[i].Index;
            return -1;
        }

        /// <summary>Drops the entries the cpu's <paramref name="loads"/> row covers: they can never be named again.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Prune(ReadOnlySpan<uint> loads)
        {
            if (_live == 0) return;
            Index();
            foreach (int device in _devices)
            {
                var positions = _positions[device]!;
                ref int first = ref _firstLive[device];
                while (first < positions.Count && _log[positions[first]].Value <= loads[device])
                {
                    _log[positions[first++]].Value = 0;
                    _live--;
                }
            }
        }

        /// <summary>Drops the <paramref name="count"/> oldest live entries.</summary>
        void DropOldest(int count)
        {
            Index();
            for (; count > 0; _head++)
            {
                ref var e = ref _log[_head];
                if (e.Value == 0) continue;
                Debug.Assert(_positions[e.Device]![_firstLive[e.Device]] == _head, "the oldest entries are each device's first");
                _firstLive[e.Device]++;
                e.Value = 0;
                _live--;
                count--;
            }
        }

        /// <summary>Squeezes the dropped entries out when they are at least half the log, else doubles it.</summary>
        void MakeRoom()
        {
            if (_end - _live < _end / 2 || _end == 0)
            {
                Array.Resize(ref _log, Math.Max(16, 2 * _log.Length));
                return;
            }
            foreach (int device in _devices)
            {
                _positions[device]!.Clear();
                _firstLive[device] = 0;
            }
            int kept = 0;
            for (int i = 0; i < _end; i++)
                if (_log[i].Value != 0) _log[kept++] = _log[i];
            _end = kept;
            _head = _indexed = 0;
        }
    }

    /// <summary>Entries in a cpu's edge log (for tests: it must stay bounded).</summary>
    internal int ReleaseLogCount(int cpu) => _edges[cpu].Count;

    /// <summary>Entries in a cpu's acquire log.</summary>
    internal int AcquireLogCount(int cpu) => _acquires[cpu].Count;

    /// <summary>Trace index of the first plain acquire of <paramref name="cpu"/> that made (device, time) hb-before it, or -1.</summary>
    internal long AcquireReaching(int cpu, int device, uint time) => _acquires[cpu].FirstReaching(device, time);

    /// <summary>
    /// The current load's own acquired release counts for its own data bytes (joined into <see cref="SelfLoads"/>).
    /// A release of the loading cpu itself is no acquire (<see cref="AcquireSnapshot"/> skips it too): what that store
    /// carried, the cpu's earlier plain acquires among it, reaches its loads only through a read barrier (program
    /// order alone is no hop, model.md §7.18).
    /// </summary>
    internal void JoinSelfLoads(int cpu, int handle)
    {
        if (Arena.StampOf(handle).Agent == cpu) return;
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
