using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TraceTools.Replay.Memory;

namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    /// <summary>
    /// The hb edges that left one cpu, to name the <c>publish</c> of a stale store (model.md §7.12: the first
    /// event of S's cpu at or after S with an edge leaving the cpu on a path to R). One entry per edge
    /// actually taken: release (local time, trace index) → receiver (agent, the receiving event's local
    /// time). The edge is on a path to R when its receiving event is R or hb-before R, which R's HB answers.
    /// </summary>
    /// <remarks>
    /// Entries arrive in receiver order per receiver, not in release order (a flag may be read long after a
    /// later doorbell). When full, the log is compacted against the cpu's live stores (the only ones a
    /// stale-dma-read can name): an entry goes when an earlier entry of the same receiver has a release time
    /// ≤ its own with no live store in between (it answers every query this one would, no later), or when no
    /// live store precedes it. So it stays in proportion to live stores × receivers, not to the trace.
    /// </remarks>
    internal sealed partial class EdgeLog
    {
        /// <summary>
        /// One edge: release (local time) → receiver (agent, local time); logged at a trace index. 16 bytes: a release's
        /// trace index is its local time − 1, and trace indices fit 32 bits (clocks limit traces to 2^32 − 1 events), so
        /// the log, written at every edge out of a cpu and streamed through by compaction, is half as many lines.
        /// </summary>
        struct Edge
        {
            public uint ReleaseTime, ReceiverTime;
            public int Receiver;
            public uint LoggedAt;

            public readonly long ReleaseIndex => ReleaseTime - 1L;
        }

        internal const int MinCompaction = 1 << 16;
        Edge[] _edges = new Edge[16];
        /// <summary>
        /// Where the log compacts or doubles: it starts at 16 (at a lower first compaction in tests) and doubles, so
        /// compaction runs at the same entries as when it was the array's length (the entries a report's hb path finds
        /// after the replay depend on when).
        /// </summary>
        int _limit = 16;
        int _count, _compactAt;
        /// <summary>The fewest entries a compaction runs at (<see cref="MinCompaction"/> but in tests).</summary>
        readonly int _minCompaction;

        /// <summary>
        /// A log that compacts first at <paramref name="minCompaction"/> entries (a power of two): below
        /// <see cref="MinCompaction"/> only in tests, where the random traces' few edges must compact to be held to the
        /// reference.
        /// </summary>
        public EdgeLog(int minCompaction = MinCompaction)
        {
            Debug.Assert(minCompaction > 0 && (minCompaction & (minCompaction - 1)) == 0, "a power of two");
            _minCompaction = _compactAt = minCompaction;
            _limit = Math.Min(_limit, minCompaction);
        }

        public int Count => _count;

        /// <summary>Compactions run so far, and the entries they dropped (tests: that a trace exercised them).</summary>
        public (int Runs, long Dropped) Compactions { get; private set; }

        public bool NeedsCompaction
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => _count == _limit && _count >= _compactAt;
        }

        /// <summary>
        /// Doubles the limit; the array grows eightfold up to <see cref="MinCompaction"/> entries, so reaching the first
        /// compaction allocates, copies and first-touches 150 KB of smaller arrays instead of 1 MB (per cpu).
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        void Grow()
        {
            _limit *= 2;
            if (_limit > _edges.Length) Array.Resize(ref _edges, Math.Max(_limit, Math.Min(8 * _edges.Length, MinCompaction)));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(uint releaseTime, int receiver, uint receiverTime, long loggedAt)
        {
            // The same release reaching the same receiver again adds nothing: the first arrival is the earliest.
            if (_count > 0 && _edges[_count - 1].ReleaseTime == releaseTime && _edges[_count - 1].Receiver == receiver) return;
            Debug.Assert((ulong)loggedAt < uint.MaxValue, "trace indices fit 32 bits");
            if (_count == _limit) Grow();
            ref var e = ref _edges[_count++];
            e.ReleaseTime = releaseTime;
            e.Receiver = receiver;
            e.ReceiverTime = receiverTime;
            e.LoggedAt = (uint)loggedAt;
        }

        /// <summary>
        /// Trace index of the earliest release at or after <paramref name="time"/> whose edge reached a
        /// receiving event hb-before (or equal to) the current event of the agent whose HB row starts at
        /// <paramref name="row"/> (-1 when none).
        /// </summary>
        public long FirstReaching(uint time, long since, uint[] hb, int row, int reader, uint readerTime) =>
            FirstReaching(time, since, hb, row, reader, readerTime, blocks: true);

        /// <summary><paramref name="blocks"/> false: every edge from the store on is read (the twin, <see cref="FirstReachingByScan"/>).</summary>
        long FirstReaching(uint time, long since, uint[] hb, int row, int reader, uint readerTime, bool blocks)
        {
            if (blocks) Summarize();
            uint best = uint.MaxValue;
            long index = -1;
            int i = FirstLoggedAt(since);
            while (i < _count)
            {
                // A block whose releases all lie outside [time, best), or none of whose edges reaches, cannot improve.
                int next = blocks ? Skip(i, time, best - 1, hb, row, reader, readerTime) : i;
                if (next != i)
                {
                    i = next;
                    continue;
                }
                for (int end = BlockEnd(i); i < end; i++)
                {
                    ref var e = ref _edges[i];
                    if (e.ReleaseTime < time || e.ReleaseTime >= best || !Reaches(hb, row, reader, readerTime, e)) continue;
                    best = e.ReleaseTime;
                    index = e.ReleaseIndex;
                }
            }
            return index;
        }

        /// <summary>The end of <paramref name="i"/>'s block, or of the log within it.</summary>
        int BlockEnd(int i) => Math.Min(_count, ((i >> BlockShift) + 1) << BlockShift);

        /// <summary>Position of the first edge logged at or after trace index <paramref name="since"/> (reports: the hb path's hops).</summary>
        public int PositionAt(long since) => FirstLoggedAt(since);

        /// <summary>The local time of the release whose edge is at <paramref name="position"/>.</summary>
        public uint ReleaseTimeAt(int position) => _edges[position].ReleaseTime;

        /// <summary>The trace index the edge at <paramref name="position"/> was logged at; the log is in that order.</summary>
        public long LoggedAtOf(int position) => _edges[position].LoggedAt;

        /// <summary>The edge at <paramref name="position"/>, for a path query.</summary>
        public LoggedEdge EdgeAt(int cpu, int position)
        {
            ref var e = ref _edges[position];
            return new LoggedEdge(cpu, e.ReleaseIndex, e.Receiver, e.ReceiverTime, e.LoggedAt);
        }

        /// <summary>True when an edge of the release at exactly <paramref name="time"/> reached the reader's current event.</summary>
        public bool ReleaseReached(uint time, long since, uint[] hb, int row, int reader, uint readerTime) =>
            ReleaseReached(time, since, hb, row, reader, readerTime, blocks: true);

        bool ReleaseReached(uint time, long since, uint[] hb, int row, int reader, uint readerTime, bool blocks)
        {
            if (blocks) Summarize();
            int i = FirstLoggedAt(since);
            while (i < _count)
            {
                int next = blocks ? Skip(i, time, time, hb, row, reader, readerTime) : i;
                if (next != i)
                {
                    i = next;
                    continue;
                }
                for (int end = BlockEnd(i); i < end; i++)
                    if (_edges[i].ReleaseTime == time && Reaches(hb, row, reader, readerTime, _edges[i])) return true;
            }
            return false;
        }

        /// <summary>
        /// Trace index of the release of this cpu whose acquire edge landed on <paramref name="receiver"/>'s event at trace
        /// index <paramref name="index"/>, or -1.
        /// </summary>
        public long ReleaseLandedAt(int receiver, long index)
        {
            for (int i = FirstLoggedAt(index); i < _count && _edges[i].LoggedAt == index; i++)
                if (_edges[i].Receiver == receiver && _edges[i].ReceiverTime == (ulong)index + 1) return _edges[i].ReleaseIndex;
            return -1;
        }

        /// <summary>
        /// First entry logged at or after trace index <paramref name="since"/>. Entries are logged in trace
        /// order, and an edge of a release at or after a store S is taken after S: queries about S start here,
        /// so a finding about a recent store does not scan the whole log.
        /// </summary>
        int FirstLoggedAt(long since)
        {
            int lo = 0, hi = _count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_edges[mid].LoggedAt < since) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        static bool Reaches(uint[] hb, int row, int reader, uint readerTime, in Edge e) =>
            e.Receiver == reader ? e.ReceiverTime <= readerTime : hb[row + e.Receiver] >= e.ReceiverTime;

        /// <summary>
        /// Per receiver, the live intervals seen so far in this compaction (ascending) with the least release time seen in
        /// each (reused).
        /// </summary>
        List<SeenInterval>[] _seen = [];

        /// <summary>Per receiver, the position in <see cref="_seen"/> of the interval its last entry fell in (a hint).</summary>
        int[] _seenAt = [];

        /// <summary>Entries of a receiver whose releases follow live store <see cref="Live"/> (and no later one): the least release time.</summary>
        internal struct SeenInterval
        {
            public int Live;
            public uint Least;
        }

        /// <summary>Drops the entries that can never be the answer for one of <paramref name="liveTimes"/> (sorted).</summary>
        /// <remarks>
        /// An entry is dominated when an earlier entry to the same receiver has a release time at or below its own and at
        /// or after the latest live store before it: that earlier edge answers every query this one could. Such an
        /// earlier time lies in the same live interval (between the same two consecutive live stores), and any earlier
        /// time of that interval at or below its own qualifies, so the question is whether the least release time seen
        /// for (receiver, interval) is at or below its own: one compare per entry. Release times arrive nearly sorted, so
        /// the interval is nearly always the receiver's latest; an earlier one is found by binary search. (Before, every
        /// distinct release time went into a sorted list per receiver, searched and inserted into per entry: a fifth
        /// of the edge log's cost.)
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Compact(uint[] liveTimes)
        {
            foreach (var seen in _seen) seen?.Clear();
            int kept = 0, live = -1;
            for (int i = 0; i < _count; i++)
            {
                var e = _edges[i];
                live = SortedTimes.AtOrBelow(liveTimes, e.ReleaseTime, live);
                if (live < 0) continue; // no live store at or before it: never a publish
                if (!Dominated(e.Receiver, live, e.ReleaseTime)) _edges[kept++] = e; // order kept: LoggedAt stays sorted
            }
            Compactions = (Compactions.Runs + 1, Compactions.Dropped + _count - kept);
            _count = kept;
            _compactAt = Math.Max(_minCompaction, 2 * kept);
            DropSummaries();
        }

        /// <summary>True when an earlier entry to <paramref name="receiver"/> in live interval <paramref name="live"/> had a release time ≤ <paramref name="t"/>; notes this one.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        bool Dominated(int receiver, int live, uint t)
        {
            if (receiver >= _seen.Length)
            {
                Array.Resize(ref _seen, Math.Max(receiver + 1, 2 * _seen.Length));
                Array.Resize(ref _seenAt, _seen.Length);
            }
            var seen = _seen[receiver] ??= [];
            var intervals = CollectionsMarshal.AsSpan(seen);
            int n = intervals.Length;
            ref int hint = ref _seenAt[receiver];
            if (n == 0 || intervals[n - 1].Live < live)
            {
                seen.Add(new SeenInterval { Live = live, Least = t });
                hint = n;
                return false;
            }
            int at = n - 1;
            if (intervals[at].Live != live)
            {
                // Intervals are unique and ascending, so one whose Live matches is the one. A receiver that reads a run of
                // releases again (a load of a sync region each byte of which another store released) walks the intervals
                // up one at a time, round after round: the hint and the one after it spare those entries the search.
                int next = hint + 1;
                if (hint < n && intervals[hint].Live == live) at = hint;
                else if (next < n && intervals[next].Live == live) at = next;
                else
                {
                    at = FirstAtOrAbove(intervals, live);
                    if (intervals[at].Live != live)
                    {
                        seen.Insert(at, new SeenInterval { Live = live, Least = t });
                        hint = at;
                        return false;
                    }
                }
            }
            hint = at;
            ref uint least = ref intervals[at].Least;
            if (least <= t) return true;
            least = t;
            return false;
        }

        /// <summary>Position of the first interval at or above <paramref name="live"/> (the last one is known to be above it).</summary>
        static int FirstAtOrAbove(ReadOnlySpan<SeenInterval> intervals, int live)
        {
            int lo = 0, hi = intervals.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (intervals[mid].Live < live) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        /// <summary>The release time and receiver of each entry, in log order (tests).</summary>
        internal IEnumerable<(uint ReleaseTime, int Receiver)> Entries()
        {
            for (int i = 0; i < _count; i++) yield return (_edges[i].ReleaseTime, _edges[i].Receiver);
        }
    }

    /// <summary>
    /// Logs an hb edge from a release of <paramref name="cpu"/> (at <paramref name="releaseTime"/>: trace index
    /// <paramref name="releaseTime"/> − 1) to <paramref name="receiver"/>'s event at <paramref name="receiverTime"/>.
    /// </summary>
    internal void LogEdge(int cpu, uint releaseTime, int receiver, uint receiverTime, long loggedAt)
    {
        var log = _edges[cpu];
        if (log.NeedsCompaction) log.Compact(_liveStoreTimes(cpu, loggedAt));
        log.Add(releaseTime, receiver, receiverTime, loggedAt);
    }

    /// <summary>Position in <paramref name="cpu"/>'s edge log of the first edge logged at or after trace index <paramref name="since"/>.</summary>
    internal int EdgePositionAt(int cpu, long since) => _edges[cpu].PositionAt(since);

    /// <summary>Compactions of every cpu's edge log so far and the entries they dropped (tests: that a trace exercised them).</summary>
    internal (long Runs, long Dropped) EdgeLogCompactions =>
        (_edges.Sum(log => (long)log.Compactions.Runs), _edges.Sum(log => log.Compactions.Dropped));

    /// <summary>Edges in <paramref name="cpu"/>'s log (positions hold until its next compaction, between events).</summary>
    internal int EdgeCount(int cpu) => _edges[cpu].Count;

    /// <summary>The local time of the release whose edge is at <paramref name="position"/> of <paramref name="cpu"/>'s log.</summary>
    internal uint EdgeReleaseTime(int cpu, int position) => _edges[cpu].ReleaseTimeAt(position);

    /// <summary>
    /// True when <paramref name="store"/> (of a cpu) was itself a release whose own edge reached
    /// <paramref name="agent"/>'s current event. Compaction keeps these edges: the store is live (the last
    /// writer being judged), so no earlier entry can stand for it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal bool OwnEdgeReached(in Epoch store, int agent) =>
        !IsDevice[store.Agent] && _edges[store.Agent].ReleaseReached(store.Time, store.Index, Hb, agent * Width, agent, Time[agent]);

    /// <summary>
    /// The <c>publish</c> of a cpu's <paramref name="store"/> read by <paramref name="device"/>'s current
    /// event R: the first release at or after the store with an edge whose receiving event is R, po-before R,
    /// or hb-before R (-1 when none).
    /// </summary>
    internal long PublishAfter(in Epoch store, int device)
    {
        return _edges[store.Agent].FirstReaching(store.Time, store.Index, Hb, device * Width, device, Time[device]);
    }

    /// <summary>An edge of a cpu's edge log, copied out for a path query.</summary>
    internal readonly record struct LoggedEdge(int Cpu, long ReleaseIndex, int Receiver, uint ReceiverTime, long LoggedAt);

    /// <summary>
    /// A chain of logged hb edges from event <paramref name="fromIndex"/> of cpu <paramref name="fromAgent"/> to
    /// event <paramref name="toIndex"/> of <paramref name="toAgent"/> (reports draw it): earliest arrival per
    /// agent over the edges logged in between, in trace order; a hop leaves an agent at a release po-after
    /// (or at) where the path reached it. Empty when the log holds no such chain: edges out of devices are
    /// not logged, and compaction keeps only edges that may still name a publish.
    /// </summary>
    internal List<HbHop> HbPath(int fromAgent, long fromIndex, int toAgent, long toIndex) =>
        HbPath(fromAgent, fromIndex, toAgent, toIndex, everyLog: false);

    /// <summary>
    /// <see cref="HbPath(int, long, int, long)"/> merging every cpu's log from the path's first event, as it did before a
    /// cpu's log joined only once the path reached it: the tests' twin.
    /// </summary>
    internal List<HbHop> HbPathByEveryLog(int fromAgent, long fromIndex, int toAgent, long toIndex) =>
        HbPath(fromAgent, fromIndex, toAgent, toIndex, everyLog: true);

    List<HbHop> HbPath(int fromAgent, long fromIndex, int toAgent, long toIndex, bool everyLog)
    {
        var path = new List<HbHop>();
        if ((uint)fromAgent >= (uint)AgentCount || (uint)toAgent >= (uint)AgentCount || fromAgent == toAgent || fromIndex >= toIndex)
            return path;
        // The cpus' logs, each in the order it was logged, merged into trace order (ties by cpu), from fromIndex on.
        // Only the logs of cpus the path has reached: an edge counts only from a release at or after its cpu's arrival,
        // which lies at or after the edge that set it, so a cpu's log joins the merge right after that edge's place
        // (a text report drew a path per stale-dma-read shown, and merging the edges of cpus never reached cost
        // 10,000 findings over 60,000 edges 10-19 s of --all text).
        var heads = new PriorityQueue<int, (long LoggedAt, int Cpu)>();
        var next = new int[AgentCount];
        for (int cpu = 0; cpu < AgentCount; cpu++)
            if (!IsDevice[cpu] && (everyLog || cpu == fromAgent)) Join(cpu, _edges[cpu].PositionAt(fromIndex));

        var arrival = new long[AgentCount];
        Array.Fill(arrival, long.MaxValue);
        arrival[fromAgent] = fromIndex;
        var via = new HbHop[AgentCount];
        while (heads.TryDequeue(out int from, out var head))
        {
            // An edge reaches its receiver at or after it was logged, and the path's arrivals rise hop by hop: once
            // the edges are logged after the target's arrival, none can change the path to it. (Copying every edge
            // of the window and sorting them cost each report's ladder all the edges logged between its events:
            // 5,000 groups over 100,000 edges, 75 s of text report.)
            if (head.LoggedAt > arrival[toAgent]) break;
            var log = _edges[from];
            var e = log.EdgeAt(from, next[from]++);
            if (next[from] < log.Count && log.LoggedAtOf(next[from]) <= toIndex) heads.Enqueue(from, (log.LoggedAtOf(next[from]), from));
            if (e.ReleaseIndex < arrival[e.Cpu]) continue;
            // An acquire logs at its own event (receiver time = its index + 1); a doorbell logs at the release
            // and lands on the receiver's next event, whose index is not known yet.
            bool exact = e.ReceiverTime == e.LoggedAt + 1 && e.ReleaseIndex != e.LoggedAt;
            long reached = exact ? e.LoggedAt : e.LoggedAt + 1;
            if (reached >= arrival[e.Receiver] || reached > toIndex) continue;
            bool first = arrival[e.Receiver] == long.MaxValue;
            arrival[e.Receiver] = reached;
            via[e.Receiver] = new HbHop(e.Cpu, e.ReleaseIndex, e.Receiver, exact ? e.LoggedAt : -1);
            // The receiver's edges merged before this one (logged earlier, or at the same index by a lower cpu) came
            // before its arrival: they would have been passed over.
            if (first && !everyLog && !IsDevice[e.Receiver])
                Join(e.Receiver, _edges[e.Receiver].PositionAt(e.Receiver < from ? e.LoggedAt + 1 : e.LoggedAt));
        }
        if (arrival[toAgent] > toIndex) return path;
        for (int agent = toAgent, steps = 0; agent != fromAgent; agent = via[agent].FromAgent)
        {
            if (++steps > AgentCount) return [];
            path.Add(via[agent]);
        }
        path.Reverse();
        return path;

        void Join(int cpu, int position)
        {
            next[cpu] = position;
            var log = _edges[cpu];
            if (position < log.Count && log.LoggedAtOf(position) <= toIndex) heads.Enqueue(cpu, (log.LoggedAtOf(position), cpu));
        }
    }
}
