namespace TraceTools.Replay.Detection;

public sealed partial class ReplayState
{
    /// <summary>
    /// A cpu's releases in po: local time and trace index, to name the <c>publish</c> event of a stale
    /// store (the first release of the store's cpu at or after it: any clock component naming that cpu
    /// comes from one of its release snapshots, so a store hb-before a device read is always followed by
    /// a release in this log). One 12-byte entry per release.
    /// </summary>
    sealed class ReleaseLog
    {
        uint[] _times = new uint[16];
        long[] _indices = new long[16];
        int[] _targets = new int[16];
        int _count;

        /// <summary>Logs a release; <paramref name="target"/> is the device a direct edge goes to (doorbell, invalidation), or -1.</summary>
        public void Add(uint time, long index, int target)
        {
            if (_count > 0 && _times[_count - 1] == time) return;
            if (_count == _times.Length)
            {
                Array.Resize(ref _times, _count * 2);
                Array.Resize(ref _indices, _count * 2);
                Array.Resize(ref _targets, _count * 2);
            }
            _times[_count] = time;
            _targets[_count] = target;
            _indices[_count++] = index;
        }

        /// <summary>
        /// Trace index of the first release in [<paramref name="time"/>, <paramref name="limit"/>] whose edge
        /// goes straight to <paramref name="device"/>; failing that (an indirect path through another cpu),
        /// the first release at or after <paramref name="time"/>; -1 when there is none.
        /// </summary>
        public long FirstAtOrAfter(uint time, uint limit, int device)
        {
            int i = Array.BinarySearch(_times, 0, _count, time);
            if (i < 0) i = ~i;
            if (i >= _count) return -1;
            for (int j = i; j < _count && _times[j] <= limit && j - i < 256; j++)
                if (_targets[j] == device) return _indices[j];
            return _indices[i];
        }
    }

    /// <summary>
    /// A cpu's plain acquires that raised its HB component of some device while LOADS lagged: the
    /// <c>acquire</c> of a stale-cpu-read is the first one that brought the device write into HB. Entries
    /// already covered by LOADS can never be named again and are dropped when a read barrier folds.
    /// </summary>
    sealed class AcquireLog
    {
        readonly List<(int Device, uint Value, long Index)> _entries = [];

        public void Add(int device, uint value, long index) => _entries.Add((device, value, index));

        public long FirstReaching(int device, uint time)
        {
            foreach (var e in _entries)
                if (e.Device == device && e.Value >= time) return e.Index;
            return -1;
        }

        public void Prune(ReplayState state, int cpu)
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

    internal void LogRelease(int cpu, long index, int target = -1) => _releases[cpu].Add(Time[cpu], index, target);

    /// <summary>
    /// The <c>publish</c> of a store of <paramref name="cpu"/> at <paramref name="time"/> read by
    /// <paramref name="device"/>: the first release at or after the store that reached the device, preferring
    /// a direct edge (doorbell, invalidation) among those the device's HB covers.
    /// </summary>
    internal long PublishAfter(int cpu, uint time, int device) =>
        _releases[cpu].FirstAtOrAfter(time, Hb[device * Width + cpu], device);

    /// <summary>Trace index of the first plain acquire of <paramref name="cpu"/> that made (device, time) hb-before it, or -1.</summary>
    internal long AcquireReaching(int cpu, int device, uint time) => _acquires[cpu].FirstReaching(device, time);
}
