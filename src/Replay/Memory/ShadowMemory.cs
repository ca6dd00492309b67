using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Sparse byte-precise shadow memory: 4 KiB pages allocated on first touch, so memory grows with the
/// bytes touched, never with the trace length. The last page is cached: accesses are local.
/// </summary>
sealed class ShadowMemory
{
    readonly Dictionary<ulong, ShadowPage> _pages = [];
    ulong _lastKey = ulong.MaxValue;
    ShadowPage? _lastPage;

    /// <summary>Pages allocated so far.</summary>
    public int PageCount => _pages.Count;

    /// <summary>The page holding <paramref name="address"/>, created when missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ShadowPage Page(ulong address)
    {
        ulong key = address >> ShadowPage.Shift;
        return key == _lastKey ? _lastPage! : PageSlow(key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    ShadowPage PageSlow(ulong key)
    {
        if (!_pages.TryGetValue(key, out var page))
        {
            page = new ShadowPage();
            _pages.Add(key, page);
        }
        _lastKey = key;
        _lastPage = page;
        return page;
    }

    /// <summary>The last write of any agent to the byte: the later of the cpu and the device write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Epoch LastWrite(ShadowPage page, int offset)
    {
        Epoch c = page.CpuWrite[offset], d = page.DevWrite[offset];
        if (!d.Exists) return c;
        if (!c.Exists) return d;
        return c.Index > d.Index ? c : d;
    }

    /// <summary>True when the last write to the byte was by a cpu.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LastWriteIsCpu(ShadowPage page, int offset)
    {
        Epoch c = page.CpuWrite[offset], d = page.DevWrite[offset];
        return c.Exists && (!d.Exists || c.Index > d.Index);
    }

    /// <summary>True when the last write to the byte was by a device.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LastWriteIsDevice(ShadowPage page, int offset)
    {
        Epoch c = page.CpuWrite[offset], d = page.DevWrite[offset];
        return d.Exists && (!c.Exists || d.Index > c.Index);
    }

    /// <summary>Reads reconstructed bytes into <paramref name="dst"/>.</summary>
    public void ReadValues(ulong address, Span<byte> dst)
    {
        for (int i = 0; i < dst.Length;)
        {
            ulong a = address + (ulong)i;
            var page = Page(a);
            int off = (int)(a & ShadowPage.Mask);
            int n = Math.Min(dst.Length - i, ShadowPage.Size - off);
            page.Value.AsSpan(off, n).CopyTo(dst[i..]);
            i += n;
        }
    }
}
