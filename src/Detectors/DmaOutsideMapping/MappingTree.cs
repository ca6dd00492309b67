using TraceTools.TraceFormat;

namespace TraceTools.Detectors.DmaOutsideMapping;

/// <summary>
/// An interval structure over DMA-API ranges: a treap of distinct ranges [Address, End), ordered by (Address, End).
/// A node holds the range's live mappings oldest first (a driver may map the same bytes again before unmapping
/// them) and the latest unmap noted for it. Each node also keeps, for its subtree, the largest End among ranges
/// with a live mapping that permits a device read, a device write, or any access, the latest live dma_map, and
/// the same for ranges with an unmap: so "does a mapping cover this byte" is one root-to-leaf walk, and "which
/// one mapped it last" prunes every subtree that cannot hold a better answer. <see cref="DeviceMappings"/> keeps
/// two: the live mappings (<see cref="Map"/>, <see cref="Unmap"/>: a range leaves when its last mapping ends, so
/// the tree a DMA check walks holds what is live, not every buffer ever mapped) and the unmaps
/// (<see cref="NoteUnmap"/>: a node per range ever unmapped).
/// </summary>
/// <remarks>
/// Hand-written: the BCL's sorted collections (SortedSet, SortedDictionary) keep no per-subtree summary, and an
/// interval query without one visits every range that starts below the byte. The treap's priorities are drawn
/// per tree from a non-deterministically seeded generator: a fixed sequence let a crafted order of dma_map ranges
/// make the tree a chain (O(n) per operation, recursion as deep as the ranges). Random priorities keep the
/// expected depth, and so every walk and recursion, O(log n) whatever the order; the shape never changes an
/// answer, only the probe count. Removed nodes are kept for the next new range (with their queue), so a driver
/// that maps and unmaps a buffer per request allocates nothing in the steady state.
/// </remarks>
sealed class MappingTree
{
    /// <summary>A live mapping of a node's range: the dma_map's trace index and direction.</summary>
    readonly record struct Live(long MappedAt, DmaDirection Direction);

    sealed class Node
    {
        public ulong Address, End;
        public uint Priority;
        public Node? Left, Right;

        /// <summary>Live mappings of exactly this range, oldest first (null until the first dma_map).</summary>
        public Queue<Live>? Mappings;
        public int ReadCount, WriteCount;
        public long LatestMap = -1, LastUnmap = -1;

        // Subtree summaries; an End of 0 means none (a range ending at 0 covers no byte).
        public ulong MaxEndRead, MaxEndWrite, MaxEndLive, MaxEndUnmapped;
        public long MaxLatestMap = -1, MaxUnmap = -1;

        public bool IsLive => Mappings is { Count: > 0 };
    }

    Node? _root;
    // Removed nodes, linked through Right.
    Node? _free;
    readonly Random _priorities = new();

    /// <summary>Distinct ranges held (tree nodes).</summary>
    public int Ranges { get; private set; }

    /// <summary>Tree nodes visited by every operation so far: what a replay's cost grows with (tests bound it).</summary>
    public long Probes { get; private set; }

    /// <summary>Adds a live mapping of [address, end).</summary>
    public void Map(ulong address, ulong end, DmaDirection direction, long index)
    {
        var node = Find(address, end);
        if (node is null)
        {
            Node? created = null;
            _root = Insert(_root, address, end, ref created);
            node = created!;
        }
        (node.Mappings ??= new Queue<Live>()).Enqueue(new Live(index, direction));
        if (Permits(direction, write: false)) node.ReadCount++;
        if (Permits(direction, write: true)) node.WriteCount++;
        node.LatestMap = index;
        Refresh(_root!, address, end);
    }

    /// <summary>
    /// Ends the oldest live mapping of exactly [address, end); a range left without one leaves the tree. False
    /// (nothing done) when the range has none.
    /// </summary>
    public bool Unmap(ulong address, ulong end)
    {
        var node = Find(address, end);
        if (node is null || !node.IsLive) return false;
        var oldest = node.Mappings!.Dequeue();
        if (node.Mappings.Count == 0)
        {
            _root = Delete(_root!, address, end);
            return true;
        }
        if (Permits(oldest.Direction, write: false)) node.ReadCount--;
        if (Permits(oldest.Direction, write: true)) node.WriteCount--;
        Refresh(_root!, address, end);
        return true;
    }

    /// <summary>Notes <paramref name="index"/> as the latest unmap of [address, end) (later than any noted before for it).</summary>
    public void NoteUnmap(ulong address, ulong end, long index)
    {
        var node = Find(address, end);
        if (node is null)
        {
            Node? created = null;
            _root = Insert(_root, address, end, ref created);
            node = created!;
        }
        node.LastUnmap = index;
        Refresh(_root!, address, end);
    }

    /// <summary>True when a live mapping permitting a device read (or write) of it is the direction's rule (model.md §11).</summary>
    public static bool Permits(DmaDirection mapping, bool write) =>
        mapping == DmaDirection.Bidirectional || mapping == (write ? DmaDirection.FromDevice : DmaDirection.ToDevice);

    /// <summary>
    /// The largest End among live mappings permitting the access that start at or below <paramref name="b"/>:
    /// above <paramref name="b"/> exactly when one of them covers it, and then the end of the longest that does.
    /// </summary>
    public ulong CoverEnd(ulong b, bool write)
    {
        ulong best = 0;
        for (var n = _root; n is not null;)
        {
            Probes++;
            if (n.Address > b)
            {
                n = n.Left;
                continue;
            }
            // n and its whole left subtree start at or below b.
            if ((write ? n.WriteCount : n.ReadCount) > 0) best = Math.Max(best, n.End);
            if (n.Left is { } l) best = Math.Max(best, write ? l.MaxEndWrite : l.MaxEndRead);
            n = n.Right;
        }
        return best;
    }

    /// <summary>The latest dma_map among live mappings covering <paramref name="b"/> (any direction), or -1.</summary>
    public long LatestLiveCovering(ulong b)
    {
        long best = -1;
        LatestLive(_root, b, ref best);
        return best;
    }

    /// <summary>The latest unmap that ended a mapping covering <paramref name="b"/>, or -1.</summary>
    public long LatestUnmapCovering(ulong b)
    {
        long best = -1;
        LatestUnmap(_root, b, ref best);
        return best;
    }

    void LatestLive(Node? n, ulong b, ref long best)
    {
        // A subtree whose live ranges all end at or below b, or whose latest map is no better, cannot answer.
        while (n is not null && n.MaxEndLive > b && n.MaxLatestMap > best)
        {
            Probes++;
            if (n.Address > b)
            {
                n = n.Left;
                continue;
            }
            if (n.IsLive && b < n.End && n.LatestMap > best) best = n.LatestMap;
            LatestLive(n.Left, b, ref best);
            n = n.Right;
        }
    }

    void LatestUnmap(Node? n, ulong b, ref long best)
    {
        while (n is not null && n.MaxEndUnmapped > b && n.MaxUnmap > best)
        {
            Probes++;
            if (n.Address > b)
            {
                n = n.Left;
                continue;
            }
            if (n.LastUnmap >= 0 && b < n.End && n.LastUnmap > best) best = n.LastUnmap;
            LatestUnmap(n.Left, b, ref best);
            n = n.Right;
        }
    }

    static int Compare(ulong address, ulong end, Node n) =>
        address != n.Address ? address.CompareTo(n.Address) : end.CompareTo(n.End);

    Node? Find(ulong address, ulong end)
    {
        for (var n = _root; n is not null;)
        {
            Probes++;
            int c = Compare(address, end, n);
            if (c == 0) return n;
            n = c < 0 ? n.Left : n.Right;
        }
        return null;
    }

    Node Insert(Node? n, ulong address, ulong end, ref Node? created)
    {
        if (n is null)
        {
            Ranges++;
            return created = NewNode(address, end);
        }
        Probes++;
        if (Compare(address, end, n) < 0)
        {
            n.Left = Insert(n.Left, address, end, ref created);
            if (n.Left.Priority > n.Priority) return RotateRight(n);
        }
        else
        {
            n.Right = Insert(n.Right, address, end, ref created);
            if (n.Right.Priority > n.Priority) return RotateLeft(n);
        }
        Summarize(n);
        return n;
    }

    /// <summary>Removes the node of the range from the subtree <paramref name="n"/> (it holds it) and returns the subtree.</summary>
    Node? Delete(Node n, ulong address, ulong end)
    {
        Probes++;
        int c = Compare(address, end, n);
        if (c == 0)
        {
            var joined = Join(n.Left, n.Right);
            Recycle(n);
            return joined;
        }
        if (c < 0) n.Left = Delete(n.Left!, address, end);
        else n.Right = Delete(n.Right!, address, end);
        Summarize(n);
        return n;
    }

    /// <summary>One treap of two whose ranges all order <paramref name="low"/>'s before <paramref name="high"/>'s (the higher priority on top).</summary>
    Node? Join(Node? low, Node? high)
    {
        if (low is null) return high;
        if (high is null) return low;
        Probes++;
        if (low.Priority > high.Priority)
        {
            low.Right = Join(low.Right, high);
            Summarize(low);
            return low;
        }
        high.Left = Join(low, high.Left);
        Summarize(high);
        return high;
    }

    /// <summary>A leaf for a new range: a removed node when one is kept (its queue empty), else a new one.</summary>
    Node NewNode(ulong address, ulong end)
    {
        Node n;
        if (_free is { } kept)
        {
            n = kept;
            _free = kept.Right;
        }
        else n = new Node();
        n.Address = address;
        n.End = end;
        n.Priority = NextPriority();
        n.Left = n.Right = null;
        n.ReadCount = n.WriteCount = 0;
        n.LatestMap = n.LastUnmap = -1;
        Summarize(n);
        return n;
    }

    /// <summary>Keeps a removed node for the next new range.</summary>
    void Recycle(Node n)
    {
        Ranges--;
        n.Left = null;
        n.Right = _free;
        _free = n;
    }

    /// <summary>Recomputes the summaries on the path from <paramref name="n"/> down to the node of the range, bottom up.</summary>
    void Refresh(Node n, ulong address, ulong end)
    {
        Probes++;
        int c = Compare(address, end, n);
        if (c < 0) Refresh(n.Left!, address, end);
        else if (c > 0) Refresh(n.Right!, address, end);
        Summarize(n);
    }

    static Node RotateRight(Node n)
    {
        var l = n.Left!;
        n.Left = l.Right;
        l.Right = n;
        Summarize(n);
        Summarize(l);
        return l;
    }

    static Node RotateLeft(Node n)
    {
        var r = n.Right!;
        n.Right = r.Left;
        r.Left = n;
        Summarize(n);
        Summarize(r);
        return r;
    }

    static void Summarize(Node n)
    {
        bool live = n.IsLive;
        ulong read = n.ReadCount > 0 ? n.End : 0, write = n.WriteCount > 0 ? n.End : 0, any = live ? n.End : 0;
        ulong unmapped = n.LastUnmap >= 0 ? n.End : 0;
        long latest = n.LatestMap, unmap = n.LastUnmap;
        foreach (var child in (ReadOnlySpan<Node?>)[n.Left, n.Right])
        {
            if (child is null) continue;
            read = Math.Max(read, child.MaxEndRead);
            write = Math.Max(write, child.MaxEndWrite);
            any = Math.Max(any, child.MaxEndLive);
            unmapped = Math.Max(unmapped, child.MaxEndUnmapped);
            latest = Math.Max(latest, child.MaxLatestMap);
            unmap = Math.Max(unmap, child.MaxUnmap);
        }
        n.MaxEndRead = read;
        n.MaxEndWrite = write;
        n.MaxEndLive = any;
        n.MaxEndUnmapped = unmapped;
        n.MaxLatestMap = latest;
        n.MaxUnmap = unmap;
    }

    /// <summary>A priority unknown to whoever wrote the trace (see the remarks).</summary>
    uint NextPriority() => (uint)_priorities.NextInt64(1L << 32);
}
