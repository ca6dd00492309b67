using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Detectors.DmaRace;

/// <summary>
/// The escalated form of a page's access columns, for dma-race's "every earlier access" (model.md §7.16):
/// per column and per agent, that agent's latest access of each byte. Within one agent the latest access
/// dominates the earlier ones (po orders them), so these sets are exact where one last access per side is
/// not. A page escalates a column only when an access of one side is not hb-after the previous one of the
/// same side; until then the page's own <see cref="RaceWords"/> are exact, and nothing here is allocated.
/// </summary>
/// <remarks>
/// Memory follows the bytes touched, not the page or the trace's agents: a column lists only the agents that
/// accessed it, and each keeps its times in 64-byte blocks allocated on first write (256 bytes each), its first four
/// by index. A page that two cpus race on in one word holds about 400 bytes per agent here, not 16 KiB per agent,
/// and nothing for the trace's other agents.
/// </remarks>
sealed class SharedAccesses
{
    const int BlockShift = 6, BlockBytes = 1 << BlockShift, BlockCount = AccessRun.PageSize / BlockBytes;

    /// <summary>
    /// One agent's latest access per byte of the page: local time (0 = none; the trace index is time − 1), in 64-byte
    /// blocks made on first write. The first <see cref="SparseBlocks"/> blocks are kept by index (an agent racing on a
    /// word or two of the page holds those, not a table for the page's 64 blocks); past them a table of all 64.
    /// </summary>
    sealed class AgentTimes(int agent)
    {
        const int SparseBlocks = 4;

        [InlineArray(SparseBlocks)]
        struct Indices
        {
            byte _first;
        }

        [InlineArray(SparseBlocks)]
        struct Blocks
        {
            uint[]? _first;
        }

        public readonly int Agent = agent;
        uint[]?[]? _table;
        Indices _indices;
        Blocks _blocks;
        int _count;

        /// <summary>The times of block <paramref name="b"/>, or null when the agent never accessed it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint[]? Block(int b)
        {
            if (_table is { } table) return table[b];
            for (int i = 0; i < _count; i++)
                if (_indices[i] == b) return _blocks[i];
            return null;
        }

        /// <summary>The times of block <paramref name="b"/>, made (all 0) when missing.</summary>
        public uint[] OwnBlock(int b)
        {
            if (Block(b) is { } held) return held;
            var block = new uint[BlockBytes];
            if (_table is null && _count < SparseBlocks)
            {
                _indices[_count] = (byte)b;
                _blocks[_count++] = block;
                return block;
            }
            if (_table is null)
            {
                _table = new uint[]?[BlockCount];
                for (int i = 0; i < _count; i++) _table[_indices[i]] = _blocks[i];
                _blocks = default;
                _count = 0;
            }
            return _table[b] = block;
        }

        /// <summary>Bytes of the block index (references and indices, or the table) and of the blocks.</summary>
        public long Footprint
        {
            get
            {
                long bytes = _table is null ? 9L * SparseBlocks : 8L * BlockCount;
                for (int b = 0; b < BlockCount; b++) bytes += 4L * (Block(b)?.Length ?? 0);
                return bytes;
            }
        }
    }

    /// <summary>Per column: null until it escalates, then the agents with accesses in it (the first <see cref="_counts"/>).</summary>
    readonly AgentTimes[]?[] _agents = new AgentTimes[]?[4];
    readonly int[] _counts = new int[4];

    /// <summary>True when <paramref name="column"/> keeps per-agent epochs on this page.</summary>
    public bool IsEscalated(AccessColumn column) => _agents[(int)column] is not null;

    /// <summary>Marks the column escalated; the caller seeds it from the page's <see cref="RaceWords"/>.</summary>
    public void Escalate(AccessColumn column) => _agents[(int)column] ??= new AgentTimes[2];

    /// <summary>Records <paramref name="agent"/>'s access at <paramref name="time"/> of bytes [offset, offset + length).</summary>
    public void Record(AccessColumn column, int agent, int offset, int length, uint time)
    {
        var times = Of((int)column, agent);
        for (int at = offset, end = offset + length; at < end;)
        {
            int lo = at & (BlockBytes - 1), n = Math.Min(end - at, BlockBytes - lo);
            times.OwnBlock(at >> BlockShift).AsSpan(lo, n).Fill(time);
            at += n;
        }
    }

    /// <summary>
    /// The most recent access of the escalated <paramref name="column"/> to page offsets [<paramref name="off"/>,
    /// <paramref name="stop"/>) that is not hb-before <paramref name="agent"/>'s current event, as a trace index, or
    /// <paramref name="other"/> when none is more recent (a maximum: the order of the agents does not matter).
    /// </summary>
    public long LatestRacing<THb>(AccessColumn column, int off, int stop, THb hb, int agent, long other) where THb : IHbTimes, allows ref struct
    {
        var agents = _agents[(int)column]!;
        for (int i = 0, count = _counts[(int)column]; i < count; i++)
        {
            var a = agents[i];
            uint known = hb.TimeOf(agent, a.Agent);
            for (int at = off; at < stop;)
            {
                int lo = at & (BlockBytes - 1), n = Math.Min(stop - at, BlockBytes - lo);
                if (a.Block(at >> BlockShift) is { } times)
                    foreach (uint t in times.AsSpan(lo, n))
                        if (t > known && (long)t - 1 > other) other = (long)t - 1;
                at += n;
            }
        }
        return other;
    }

    /// <summary>Bytes of block tables and blocks held (array contents, not object headers), for the memory tests.</summary>
    public long Footprint
    {
        get
        {
            long bytes = 0;
            for (int c = 0; c < 4; c++)
                for (int i = 0; i < _counts[c]; i++) bytes += _agents[c]![i].Footprint;
            return bytes;
        }
    }

    /// <summary>The times of <paramref name="agent"/> in column <paramref name="c"/>, added on its first access (few agents per page: a scan).</summary>
    AgentTimes Of(int c, int agent)
    {
        var agents = _agents[c]!;
        int count = _counts[c];
        for (int i = 0; i < count; i++)
            if (agents[i].Agent == agent) return agents[i];
        if (count == agents.Length)
        {
            Array.Resize(ref agents, 2 * count);
            _agents[c] = agents;
        }
        _counts[c] = count + 1;
        return agents[count] = new AgentTimes(agent);
    }
}
