using System.Runtime.CompilerServices;

namespace TraceTools.Scenarios.Internals.Generation;

/// <summary>
/// The bytes of one region, allocated in 4 KiB pages on first write. Untouched bytes read as zero. A region
/// of up to 2^28 pages (1 TiB) keeps a page array sized on first write; larger ones use a dictionary, so
/// <c>ram big 0 size 1 &lt;&lt; 40</c> costs nothing until touched.
/// </summary>
sealed class RegionMemory
{
    const int PageShift = 12;
    const int PageSize = 1 << PageShift;
    const ulong DensePageLimit = 1 << 16;

    readonly ulong _base;
    readonly ulong _pageCount;
    byte[]?[]? _dense;
    Dictionary<ulong, byte[]>? _sparse;

    // One-entry cache: scenarios hammer the same few pages.
    ulong _lastPage = ulong.MaxValue;
    byte[]? _lastBytes;

    public RegionMemory(ulong @base, ulong size)
    {
        _base = @base;
        _pageCount = (size >> PageShift) + 1;
    }

    /// <summary>Copies the bytes at <paramref name="address"/> into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Read(ulong address, Span<byte> destination)
    {
        ulong off = address - _base;
        int inPage = (int)(off & (PageSize - 1));
        if (inPage + destination.Length <= PageSize)
        {
            var page = Page(off >> PageShift, create: false);
            if (page is null) destination.Clear();
            else page.AsSpan(inPage, destination.Length).CopyTo(destination);
            return;
        }
        ReadSplit(off, destination);
    }

    /// <summary>Stores <paramref name="source"/> at <paramref name="address"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        ulong off = address - _base;
        int inPage = (int)(off & (PageSize - 1));
        if (inPage + source.Length <= PageSize)
        {
            source.CopyTo(Page(off >> PageShift, create: true)!.AsSpan(inPage));
            return;
        }
        WriteSplit(off, source);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void ReadSplit(ulong off, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int inPage = (int)(off & (PageSize - 1));
            int n = Math.Min(destination.Length, PageSize - inPage);
            var page = Page(off >> PageShift, create: false);
            if (page is null) destination[..n].Clear();
            else page.AsSpan(inPage, n).CopyTo(destination);
            destination = destination[n..];
            off += (ulong)n;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void WriteSplit(ulong off, ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            int inPage = (int)(off & (PageSize - 1));
            int n = Math.Min(source.Length, PageSize - inPage);
            source[..n].CopyTo(Page(off >> PageShift, create: true)!.AsSpan(inPage));
            source = source[n..];
            off += (ulong)n;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    byte[]? Page(ulong index, bool create)
    {
        if (index == _lastPage) return _lastBytes;
        return PageSlow(index, create);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    byte[]? PageSlow(ulong index, bool create)
    {
        byte[]? page;
        if (_pageCount <= DensePageLimit)
        {
            _dense ??= new byte[]?[_pageCount];
            page = _dense[index];
            if (page is null && create) _dense[index] = page = new byte[PageSize];
        }
        else
        {
            _sparse ??= [];
            if (!_sparse.TryGetValue(index, out page) && create) _sparse[index] = page = new byte[PageSize];
        }
        if (page is not null) { _lastPage = index; _lastBytes = page; }
        return page;
    }
}
