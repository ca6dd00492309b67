using System.Buffers.Binary;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The v4 census section between the last chunk and the index (docs/trace-format.md, "Census section"):
/// <c>TPGS</c>, u32 body length, body (varint page count, then the ascending page numbers as varint deltas, the
/// first from 0), u32 CRC-32C of everything before it.
/// </summary>
static class CensusCodec
{
    /// <summary>The highest page number: the page of address 2^64 − 1.</summary>
    const ulong MaxPage = ulong.MaxValue >> DevicePages.PageShift;

    /// <summary>The longest body: the page count and <see cref="DevicePages.MaxPages"/> deltas below 2^52 (8 varint bytes each).</summary>
    public const int MaxBody = Varint.MaxLength + 8 * DevicePages.MaxPages;

    /// <summary>The whole section for the ascending page numbers <paramref name="sorted"/>.</summary>
    public static byte[] Encode(ulong[] sorted)
    {
        int body = Varint.Length((ulong)sorted.Length);
        ulong previous = 0;
        foreach (ulong page in sorted)
        {
            body += Varint.Length(page - previous);
            previous = page;
        }
        var section = new byte[FormatLayout.CensusFrameSize + body];
        BinaryPrimitives.WriteUInt32LittleEndian(section, FormatLayout.CensusMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(section.AsSpan(4), (uint)body);
        int p = 8;
        Varint.Write(section, ref p, (ulong)sorted.Length);
        previous = 0;
        foreach (ulong page in sorted)
        {
            Varint.Write(section, ref p, page - previous);
            previous = page;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(section.AsSpan(p), Crc32C.Compute(section.AsSpan(0, p)));
        return section;
    }

    /// <summary>
    /// The body length a section's first 8 bytes declare, checked against its magic and
    /// <paramref name="maxBody"/> (the bytes the section can hold) before anything is read or allocated.
    /// </summary>
    public static int BodyLength(ReadOnlySpan<byte> frame, long at, long maxBody, string file)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(frame) != FormatLayout.CensusMagic)
            FormatThrow.Footer(file, at, "expected the census section (TPGS) before the chunk index", frame[..4]);
        uint body = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
        if (body > MaxBody)
            FormatThrow.Footer(file, at + 4, $"the census section declares {body} body bytes, more than a census of at most {DevicePages.MaxPages} pages takes ({MaxBody})", frame.Slice(4, 4));
        if (body > maxBody)
            FormatThrow.Footer(file, at + 4, $"the census section declares {body} body bytes, but the trace leaves room for {Math.Max(maxBody, 0)}", frame.Slice(4, 4));
        return (int)body;
    }

    /// <summary>
    /// Checks and decodes a whole section read at <paramref name="at"/> of a trace of <paramref name="events"/>
    /// events. Every error is a <see cref="TraceFormatException"/> with <c>(footer)</c> and the byte offset.
    /// </summary>
    public static DevicePages Decode(ReadOnlySpan<byte> section, long at, long events, string file)
    {
        int body = BodyLength(section, at, section.Length - FormatLayout.CensusFrameSize, file);
        if (body != section.Length - FormatLayout.CensusFrameSize)
            FormatThrow.Footer(file, at + 4, $"the census section declares {body} body bytes but fills {section.Length - FormatLayout.CensusFrameSize} up to the chunk index", section.Slice(4, 4));
        int crcAt = 8 + body;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(section[crcAt..]);
        uint actual = Crc32C.Compute(section[..crcAt]);
        if (stored != actual)
            FormatThrow.Footer(file, at + crcAt, $"census section CRC-32C is 0x{actual:x8} but the section says 0x{stored:x8}", section.Slice(crcAt, 4));

        var b = section[8..crcAt];
        int p = 0;
        if (!Varint.TryRead(b, ref p, out ulong count))
            FormatThrow.Footer(file, at + 8, "the census page count is not a valid varint", b[..Math.Min(b.Length, 10)]);
        // An event touches at most 2 pages (sizes ≤ 4096) and a page takes at least one byte: both caps come before the allocation.
        ulong cap = Math.Min(Math.Min((ulong)events * 2, (ulong)(b.Length - p)), DevicePages.MaxPages);
        if (count > cap)
            FormatThrow.Footer(file, at + 8, $"the census lists {count} pages, more than the {events} events can touch or the {b.Length - p} bytes left can hold (or {DevicePages.MaxPages}, the most a census holds)", b[..p]);
        var pages = new HashSet<ulong>((int)count);
        ulong page = 0;
        for (ulong i = 0; i < count; i++)
        {
            int itemAt = p;
            if (!Varint.TryRead(b, ref p, out ulong delta))
                FormatThrow.Footer(file, at + 8 + itemAt, $"census page {i} is not a valid varint", b.Slice(itemAt, Math.Min(b.Length - itemAt, 10)));
            // Pages ascend strictly: a delta of 0 after the first page, or one past the last page, is malformed.
            if ((i > 0 && delta == 0) || delta > MaxPage - page)
                FormatThrow.Footer(file, at + 8 + itemAt, $"census page {i} is {(delta == 0 ? "not above the previous one" : "beyond the last page of the address space")}", b[itemAt..p]);
            page += delta;
            pages.Add(page);
        }
        if (p != b.Length)
            FormatThrow.Footer(file, at + 8 + p, $"{b.Length - p} bytes after the census's {count} pages", b[p..]);
        return new DevicePages(pages);
    }
}
