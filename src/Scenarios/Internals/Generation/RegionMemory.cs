using System.Runtime.CompilerServices;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>
/// The bytes of one region, allocated in 256-byte blocks on first write, found by block number in a dictionary.
/// Untouched bytes read as zero, so <c>ram big 0 size 1 &lt;&lt; 40</c> costs nothing until touched.
/// </summary>
/// <remarks>
/// Blocks, not 4 KiB pages: a scenario that stores a byte to each of many pages (<c>repeat</c> over
/// <c>buf + i * 4096</c>), and a QEMU log or a steps file doing the same, paid 4 KiB an event (10^5 such stores:
/// 428 MB); a block costs about 300 bytes with its entry. Nor a page array per region: one sized on first write
/// (a region of up to 2^16 pages took a 512 KiB array for its first byte) cost every region touched that much.
/// </remarks>
sealed class RegionMemory
{
    const int BlockShift = 8;
    const int BlockSize = 1 << BlockShift;

    readonly ulong _base;
    Dictionary<ulong, byte[]>? _blocks;

    // One-entry cache: scenarios hammer the same few blocks.
    ulong _lastBlock = ulong.MaxValue;
    byte[]? _lastBytes;

    public RegionMemory(ulong @base)
    {
        _base = @base;
    }

    /// <summary>Copies the bytes at <paramref name="address"/> into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Read(ulong address, Span<byte> destination)
    {
        ulong off = address - _base;
        int inBlock = (int)(off & (BlockSize - 1));
        if (inBlock + destination.Length <= BlockSize)
        {
            var block = Block(off >> BlockShift, create: false);
            if (block is null) destination.Clear();
            else block.AsSpan(inBlock, destination.Length).CopyTo(destination);
            return;
        }
        ReadSplit(off, destination);
    }

    /// <summary>Stores <paramref name="source"/> at <paramref name="address"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        ulong off = address - _base;
        int inBlock = (int)(off & (BlockSize - 1));
        if (inBlock + source.Length <= BlockSize)
        {
            source.CopyTo(Block(off >> BlockShift, create: true)!.AsSpan(inBlock));
            return;
        }
        WriteSplit(off, source);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void ReadSplit(ulong off, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int inBlock = (int)(off & (BlockSize - 1));
            int n = Math.Min(destination.Length, BlockSize - inBlock);
            var block = Block(off >> BlockShift, create: false);
            if (block is null) destination[..n].Clear();
            else block.AsSpan(inBlock, n).CopyTo(destination);
            destination = destination[n..];
            off += (ulong)n;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void WriteSplit(ulong off, ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            int inBlock = (int)(off & (BlockSize - 1));
            int n = Math.Min(source.Length, BlockSize - inBlock);
            source[..n].CopyTo(Block(off >> BlockShift, create: true)!.AsSpan(inBlock));
            source = source[n..];
            off += (ulong)n;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    byte[]? Block(ulong index, bool create)
    {
        if (index == _lastBlock) return _lastBytes;
        return BlockSlow(index, create);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    byte[]? BlockSlow(ulong index, bool create)
    {
        _blocks ??= [];
        if (!_blocks.TryGetValue(index, out var block) && create) _blocks[index] = block = new byte[BlockSize];
        if (block is not null) { _lastBlock = index; _lastBytes = block; }
        return block;
    }
}
