using System.Runtime.CompilerServices;

namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    internal sealed partial class EdgeLog
    {
        /// <summary>Edges per block summary (a power of two).</summary>
        internal const int BlockSize = 256;
        const int BlockShift = 8;

        /// <summary>
        /// What a query must know of <see cref="BlockSize"/> consecutive edges to pass over them all: their release
        /// times' range and, per receiver among them, its least receiving time (<see cref="_floors"/>
        /// [<see cref="First"/>, + <see cref="Count"/>)).
        /// </summary>
        struct Block
        {
            public uint MinRelease, MaxRelease;
            public int First, Count;
        }

        /// <summary>A receiver of a block's edges and the least receiving time among them: no edge of it reaches an event before.</summary>
        struct Floor
        {
            public int Receiver;
            public uint ReceiverTime;
        }

        // Summaries are made by the queries, for the whole blocks logged so far, and dropped by compaction (which
        // moves the edges): the log's own path (Add, at every edge out of a cpu) pays nothing for them. Each block
        // is summarized once per compaction, so the first query after one pays a scan of the log, as every query
        // did before; the next ones pass over the blocks that cannot hold their answer (a stale store published
        // long after, 250,000 findings over 2 M logged edges: 16 s of queries before, when each scanned up to the
        // 64 Ki entries between compactions).
        Block[] _blocks = [];
        Floor[] _floors = [];
        int _summarized, _floorCount;
        /// <summary>
        /// Per receiver: the stamp of the block summary whose floor <see cref="_floorOf"/> names (no clearing between
        /// blocks); stamps rise across compactions, which number the blocks anew.
        /// </summary>
        int[] _floorStamp = [], _floorOf = [];
        int _stamp;

        /// <summary>
        /// <see cref="FirstReaching(uint, long, uint[], int, int, uint)"/> reading every edge from the store on, as it did
        /// before the summaries: its twin in the tests and its in-run reference in the benchmarks (bench/Replay/EdgeQueryBench).
        /// </summary>
        internal long FirstReachingByScan(uint time, long since, uint[] hb, int row, int reader, uint readerTime) =>
            FirstReaching(time, since, hb, row, reader, readerTime, blocks: false);

        /// <summary><see cref="ReleaseReached(uint, long, uint[], int, int, uint)"/> reading every edge from the store on (twin and reference, as above).</summary>
        internal bool ReleaseReachedByScan(uint time, long since, uint[] hb, int row, int reader, uint readerTime) =>
            ReleaseReached(time, since, hb, row, reader, readerTime, blocks: false);

        /// <summary>Forgets the summaries: the edges moved.</summary>
        void DropSummaries() => _summarized = _floorCount = 0;

        /// <summary>Summarizes the blocks completed since the last query.</summary>
        void Summarize()
        {
            int whole = _count >> BlockShift;
            if (_summarized == whole) return;
            if (_blocks.Length < whole) Array.Resize(ref _blocks, Math.Max(whole, 2 * _blocks.Length));
            for (int b = _summarized; b < whole; b++) _blocks[b] = SummarizeBlock(b);
            _summarized = whole;
        }

        Block SummarizeBlock(int b)
        {
            var block = new Block { MinRelease = uint.MaxValue, MaxRelease = 0, First = _floorCount };
            int stamp = ++_stamp;
            for (int i = b << BlockShift, end = i + BlockSize; i < end; i++)
            {
                ref var e = ref _edges[i];
                block.MinRelease = Math.Min(block.MinRelease, e.ReleaseTime);
                block.MaxRelease = Math.Max(block.MaxRelease, e.ReleaseTime);
                if (e.Receiver >= _floorStamp.Length)
                {
                    int length = Math.Max(e.Receiver + 1, 2 * _floorStamp.Length);
                    Array.Resize(ref _floorStamp, length);
                    Array.Resize(ref _floorOf, length);
                }
                if (_floorStamp[e.Receiver] == stamp)
                {
                    ref uint least = ref _floors[_floorOf[e.Receiver]].ReceiverTime;
                    least = Math.Min(least, e.ReceiverTime);
                    continue;
                }
                if (_floorCount == _floors.Length) Array.Resize(ref _floors, Math.Max(16, 2 * _floors.Length));
                _floorStamp[e.Receiver] = stamp;
                _floorOf[e.Receiver] = _floorCount;
                _floors[_floorCount++] = new Floor { Receiver = e.Receiver, ReceiverTime = e.ReceiverTime };
            }
            block.Count = _floorCount - block.First;
            return block;
        }

        /// <summary>
        /// True when some edge of <paramref name="block"/> may reach the reader's current event: for some receiver,
        /// its least receiving time does (the test of <see cref="Reaches"/>; later receiving times reach less).
        /// </summary>
        bool MayReach(in Block block, uint[] hb, int row, int reader, uint readerTime)
        {
            for (int f = block.First, end = f + block.Count; f < end; f++)
            {
                var floor = _floors[f];
                if (floor.Receiver == reader ? floor.ReceiverTime <= readerTime : hb[row + floor.Receiver] >= floor.ReceiverTime) return true;
            }
            return false;
        }

        /// <summary>
        /// The end of the edges from <paramref name="i"/> that the query may pass over at once: the end of
        /// <paramref name="i"/>'s block when it is summarized and holds no release in [<paramref name="lo"/>,
        /// <paramref name="hi"/>] that may reach the reader, else <paramref name="i"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        int Skip(int i, uint lo, uint hi, uint[] hb, int row, int reader, uint readerTime)
        {
            int b = i >> BlockShift;
            if (b >= _summarized) return i;
            ref var block = ref _blocks[b];
            bool none = block.MaxRelease < lo || block.MinRelease > hi || !MayReach(block, hb, row, reader, readerTime);
            return none ? (b + 1) << BlockShift : i;
        }
    }
}
