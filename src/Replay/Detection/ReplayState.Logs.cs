namespace TraceTools.Replay.Detection;

public sealed partial class ReplayState
{
    /// <summary>
    /// A cpu's releases in po: local time, trace index and direct target, to name the <c>publish</c> event
    /// of a stale store (the first release of the store's cpu at or after it: any clock component naming
    /// that cpu comes from one of its release snapshots, so a store hb-before a device read is always
    /// followed by a release in this log). When full, the log is compacted to the releases that can still
    /// be named: the first ones after a store that is still some byte's last cpu store. So it stays in
    /// proportion to the live stores (≤ bytes touched), not to the trace.
    /// </summary>
    sealed class ReleaseLog
    {
        const int MinCompaction = 1 << 16;
        uint[] _times = new uint[16];
        long[] _indices = new long[16];
        int _count, _compactAt = MinCompaction;

        public int Count => _count;

        public bool NeedsCompaction => _count == _times.Length && _count >= _compactAt;

        /// <summary>Keeps, per live store time, only the first release at or after it.</summary>
        public void Compact(uint[] liveTimes)
        {
            var keep = new bool[_count];
            foreach (uint ts in liveTimes)
            {
                int i = Array.BinarySearch(_times, 0, _count, ts);
                if (i < 0) i = ~i;
                if (i >= _count) break;
                keep[i] = true;
            }
            int kept = 0;
            for (int j = 0; j < _count; j++)
            {
                if (!keep[j]) continue;
                _times[kept] = _times[j];
                _indices[kept++] = _indices[j];
            }
            _count = kept;
            _compactAt = Math.Max(MinCompaction, 2 * kept);
        }

        public void Add(uint time, long index)
        {
            if (_count > 0 && _times[_count - 1] == time) return;
            if (_count == _times.Length)
            {
                Array.Resize(ref _times, _count * 2);
                Array.Resize(ref _indices, _count * 2);
            }
            _times[_count] = time;
            _indices[_count++] = index;
        }

        /// <summary>The first release at or after <paramref name="time"/>: (local time, trace index), or index -1.</summary>
        public (uint Time, long Index) FirstAtOrAfter(uint time)
        {
            int i = Array.BinarySearch(_times, 0, _count, time);
            if (i < 0) i = ~i;
            return i < _count ? (_times[i], _indices[i]) : (0, -1);
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

    /// <summary>
    /// Logs a release of <paramref name="cpu"/>. Releases are logged per direct target (the device of a
    /// doorbell or invalidation; -1 for sync stores and unlocks, which reach others indirectly).
    /// </summary>
    internal void LogRelease(int cpu, long index, int target = -1)
    {
        var log = _releases[cpu * (AgentCount + 1) + target + 1];
        if (log.NeedsCompaction) log.Compact(LiveStoreTimes(cpu));
        log.Add(Time[cpu], index);
    }

    /// <summary>Sorted distinct local times of <paramref name="cpu"/>'s stores that are still some byte's last cpu store.</summary>
    uint[] LiveStoreTimes(int cpu)
    {
        var times = new List<uint>();
        foreach (var page in Shadow.Pages)
        {
            ulong last = 0;
            foreach (ulong at in page.CpuWriteAt)
            {
                if (at == last || at == 0 || (int)(at >> 32) != cpu) continue;
                last = at;
                times.Add((uint)at);
            }
        }
        times.Sort();
        return [.. times.Distinct()];
    }

    /// <summary>Entries in a cpu's release log (for tests: it must stay bounded).</summary>
    internal int ReleaseLogCount(int cpu)
    {
        int n = 0;
        for (int k = 0; k <= AgentCount; k++) n += _releases[cpu * (AgentCount + 1) + k].Count;
        return n;
    }

    /// <summary>Entries in a cpu's acquire log.</summary>
    internal int AcquireLogCount(int cpu) => _acquires[cpu].Count;

    /// <summary>
    /// The <c>publish</c> of a store of <paramref name="cpu"/> at <paramref name="time"/> read by
    /// <paramref name="device"/>: the first release at or after the store that reached the device, preferring
    /// a direct edge (doorbell, invalidation) among those the device's HB covers.
    /// </summary>
    internal long PublishAfter(int cpu, uint time, int device)
    {
        int logs = AgentCount + 1;
        var direct = _releases[cpu * logs + device + 1].FirstAtOrAfter(time);
        if (direct.Index >= 0 && direct.Time <= Hb[device * Width + cpu]) return direct.Index;
        // Reached through another agent: the first release of any kind.
        long first = -1;
        for (int k = 0; k < logs; k++)
        {
            var r = _releases[cpu * logs + k].FirstAtOrAfter(time);
            if (r.Index >= 0 && (first < 0 || r.Index < first)) first = r.Index;
        }
        return first;
    }

    /// <summary>Trace index of the first plain acquire of <paramref name="cpu"/> that made (device, time) hb-before it, or -1.</summary>
    internal long AcquireReaching(int cpu, int device, uint time) => _acquires[cpu].FirstReaching(device, time);
}
