namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Tags of the v3 metadata sections (docs/trace-format.md, "Metadata sections"). A tag's number is part of
/// the format: never reuse one.
/// </summary>
enum MetadataTag : ushort
{
    /// <summary>Ends the section list (no length follows).</summary>
    End = 0,
    /// <summary>Used-bits tables (model.md §8; <see cref="MetadataCodec"/>.UsedBits).</summary>
    UsedBits = 1,
    /// <summary>Cache line size (issue 10, docs/model.md §9): <see cref="CacheLineCodec"/>.</summary>
    CacheLineSize = 2,
    /// <summary>Memory values not recorded (<see cref="TraceMetadata.MemoryValuesRecorded"/> false): an empty body.</summary>
    MemoryValuesNotRecorded = 3,
    /// <summary>Devices' IOMMU modes at the trace's start (<see cref="AgentInfo.IommuAtStart"/>): MetadataCodec.IommuModes.cs.</summary>
    IommuModesAtStart = 4,
}

// The v3 metadata sections: after the v2 fields, `u16 tag, u32 length, bytes` per section, in increasing tag
// order, then u16 0. A section's body is decoded by a reader over exactly its bytes, so a body error names
// its own byte offset and a body must be consumed exactly.
//
// To add a section (a few lines): a MetadataTag member; in EncodeSections, `Section(w, MetadataTag.X, body)`
// when the metadata has it; in SectionsNeeded, its name when present (v1/v2 cannot hold it); in DecodeSection,
// `case MetadataTag.X: return DecodeX(ref body, m);` returning the metadata with the property set.
static partial class MetadataCodec
{
    /// <summary>Writes the sections <paramref name="m"/> has, then the end tag.</summary>
    static void EncodeSections(TraceMetadata m, BlockWriter w)
    {
        if (EncodeUsedBits(m.Regions) is { } used) Section(w, MetadataTag.UsedBits, used);
        if (CacheLineCodec.Encode(m) is { } line) Section(w, MetadataTag.CacheLineSize, line);
        if (!m.MemoryValuesRecorded) Section(w, MetadataTag.MemoryValuesNotRecorded, []);
        if (EncodeIommuModes(m.Agents) is { } modes) Section(w, MetadataTag.IommuModesAtStart, modes);
        w.U16((ushort)MetadataTag.End);
    }

    /// <summary>The name of the first thing in <paramref name="m"/> that needs a section, or null (then v1/v2 can hold it).</summary>
    static string? SectionsNeeded(TraceMetadata m)
    {
        if (m.Regions.FirstOrDefault(r => r.UsedBits is not null) is { } used) return $"used bits of table '{used.Name}'";
        if (m.DeclaresCacheLine) return "cache line size";
        if (!m.MemoryValuesRecorded) return "memory values not recorded";
        if (m.Agents.FirstOrDefault(a => a.IommuAtStart != IommuTreatment.Translate) is { } mode) return $"IOMMU mode at the start of device '{mode.Name}'";
        return null;
    }

    /// <summary>Writes one section: tag, body length, body.</summary>
    static void Section(BlockWriter w, MetadataTag tag, ReadOnlySpan<byte> body)
    {
        w.U16((ushort)tag);
        w.U32((uint)body.Length);
        w.Bytes(body);
    }

    /// <summary>Reads sections up to the end tag; an unknown, repeated or out-of-order tag is a format error.</summary>
    static TraceMetadata DecodeSections(ref BlockReader r, TraceMetadata m)
    {
        int previous = 0;
        while (true)
        {
            long at = r.Offset;
            ushort tag = r.U16("metadata section tag");
            if (tag == (ushort)MetadataTag.End) return m;
            if (!Enum.IsDefined((MetadataTag)tag)) r.Fail(at, $"unknown metadata section tag {tag}", 2);
            if (tag <= previous) r.Fail(at, $"metadata section tag {tag} after tag {previous} (each tag once, in increasing order)", 2);
            previous = tag;
            uint length = r.U32($"length of metadata section {tag}");
            // Checked before anything is read or allocated: the body lies inside the block.
            if (length > (uint)r.Left) r.Fail(at + 2, $"metadata section {tag} of {length} bytes runs past the metadata's end ({r.Left} bytes left)", 4);
            var body = r.Sub((int)length);
            m = DecodeSection((MetadataTag)tag, ref body, m);
            if (!body.AtEnd) body.Fail(body.Offset, $"{body.Left} bytes after the last field of metadata section {tag}", Math.Min(body.Left, 16));
        }
    }

    /// <summary>Decodes one known section's body into the metadata it returns.</summary>
    static TraceMetadata DecodeSection(MetadataTag tag, ref BlockReader body, TraceMetadata m)
    {
        switch (tag)
        {
            case MetadataTag.UsedBits: return DecodeUsedBits(ref body, m);
            case MetadataTag.CacheLineSize:
                return DecodeCacheLine(ref body, m);
            case MetadataTag.MemoryValuesNotRecorded:
                // The tag alone is the fact; a body would be a writer this reader does not know.
                if (!body.AtEnd) body.Fail(body.Offset, $"memory values section (tag 3) holds {body.Left} bytes: expected none", Math.Min(body.Left, 16));
                return m.WithMemoryValuesNotRecorded();
            case MetadataTag.IommuModesAtStart:
                return DecodeIommuModes(ref body, m);
            // Reserved tags whose owners have not added their codec yet: no writer produces them.
            default:
                body.Fail(body.Offset - 6, $"metadata section tag {(ushort)tag} is reserved ({tag}) and not yet defined", 2);
                return m;
        }
    }
}
