using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace TraceTools.TraceFormat.Internals;

// The site list: read as bytes into one block (SiteTexts), each site checked as the strings were (length, UTF-8,
// control characters, interned once) without making its string, and the first problem in file order reported.
static partial class MetadataCodec
{
    /// <summary>Sites read ahead of their check, so that their hash slots' cache misses overlap.</summary>
    const int SiteBatch = 16;

    // 21 bits hold every index + 1 up to FormatLayout.MaxSites (2^20); a slot keeps 11 bits of the hash above them.
    const int IndexBits = 21, IndexMask = (1 << IndexBits) - 1;

    static SiteTexts DecodeSites(ref BlockReader r)
    {
        int count = r.Count("site", FormatLayout.MaxSites, 1);
        // The sites' bytes are at most what is left of the block (their length prefixes and the sections are the rest).
        var utf8 = new byte[r.Left];
        var starts = new int[count + 1];
        // Open addressing, at most half full: an interned-twice site is found by its bytes. A probe that meets
        // another site reads its bytes only when the 11 hash bits beside its index agree. Of 2^20 sites the table
        // is 8 MB, and every probe a cache miss: a batch's slots are prefetched before any is probed.
        var slots = new int[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, 2 * count))];
        int mask = slots.Length - 1, end = 0;
        Span<uint> hashes = stackalloc uint[SiteBatch];
        Span<long> offsets = stackalloc long[SiteBatch];
        Span<bool> control = stackalloc bool[SiteBatch];
        for (int first = 0; first < count; first += SiteBatch)
        {
            // Read ahead up to a batch, stopping before a site that is not well-formed (its error comes in its turn).
            int read = 0, batch = Math.Min(SiteBatch, count - first);
            for (; read < batch; read++)
            {
                offsets[read] = r.Offset;
                if (!r.TryUtf8(out var site)) break;
                site.CopyTo(utf8.AsSpan(end));
                starts[first + read] = end;
                end += site.Length;
                starts[first + read + 1] = end;
                control[read] = SiteTexts.HasControl(site);
                hashes[read] = (uint)Hash(site);
                Prefetch(slots, (int)hashes[read] & mask);
            }
            for (int j = 0; j < read; j++)
            {
                int i = first + j;
                var site = utf8.AsSpan(starts[i], starts[i + 1] - starts[i]);
                if (control[j] && MetadataRules.CheckText("site", Encoding.UTF8.GetString(site)) is { } bad) r.Fail(offsets[j], bad);
                int tag = (int)(hashes[j] >> IndexBits << IndexBits), h = (int)hashes[j] & mask;
                while (slots[h] != 0)
                {
                    if ((slots[h] & ~IndexMask) == tag)
                    {
                        int k = (slots[h] & IndexMask) - 1;
                        if (utf8.AsSpan(starts[k], starts[k + 1] - starts[k]).SequenceEqual(site))
                            r.Fail(offsets[j], $"site '{Encoding.UTF8.GetString(site)}' is interned twice");
                    }
                    h = (h + 1) & mask;
                }
                slots[h] = tag | (i + 1);
            }
            if (read < batch) r.Utf8("site"); // throws the site's own error
        }
        return new SiteTexts(utf8, starts);
    }

    static int Hash(ReadOnlySpan<byte> bytes)
    {
        var h = new HashCode();
        h.AddBytes(bytes);
        return h.ToHashCode();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Prefetch(int[] slots, int at)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(slots), at)));
    }
}
