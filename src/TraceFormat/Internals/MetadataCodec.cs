using System.Text;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The metadata block of the file header: varint counts and length-prefixed UTF-8 strings (layout in
/// docs/trace-format.md). Every count and length is checked against its cap and against the bytes left
/// before anything is allocated.
/// </summary>
static partial class MetadataCodec
{
    /// <summary>Encodes validated metadata for format <paramref name="version"/> (v3 adds the tagged sections, <see cref="EncodeSections"/>).</summary>
    public static byte[] Encode(TraceMetadata m, int version = FormatLayout.Version)
    {
        var w = new BlockWriter();
        w.Byte((byte)m.Arch);
        w.String(m.Name);
        w.Varint((ulong)m.Agents.Count);
        foreach (var a in m.Agents)
        {
            // AgentBytes counts these fields: change both together (HeaderBudgetTests holds them equal).
            w.String(a.Name);
            w.Byte((byte)a.Kind);
            w.Byte(a.Coherent ? (byte)1 : (byte)0);
        }
        w.Varint((ulong)m.Regions.Count);
        foreach (var r in m.Regions)
        {
            // RegionBytes counts these fields: change both together.
            w.String(r.Name);
            w.Byte((byte)r.Kind);
            w.Varint(r.Base);
            w.Varint(r.Size);
            w.Varint((ulong)(r.Device + 1));
            if (r.Kind == RegionKind.Table)
            {
                w.Varint(r.Entries);
                w.Varint(r.EntrySize);
                w.Varint(r.Granule);
                w.Varint(r.PresentBit);
            }
        }
        w.Varint((ulong)m.Locks.Count);
        foreach (var l in m.Locks) w.String(l);
        w.Varint((ulong)m.Sites.Count);
        foreach (var s in m.Sites) w.String(s);
        if (version >= FormatLayout.ExtendedVersion) EncodeSections(m, w);
        else if (SectionsNeeded(m) is { } needed)
            FormatThrow.Argument($"the metadata's {needed} needs format version {FormatLayout.ExtendedVersion}; version {version} has no metadata sections", "metadata");
        return w.ToArray();
    }

    /// <summary>The bytes <see cref="Encode"/> writes for agent <paramref name="a"/> in the agent list (its section entries aside).</summary>
    public static int AgentBytes(AgentInfo a) => TraceLimits.TextBytes(a.Name) + 2;

    /// <summary>The bytes <see cref="Encode"/> writes for region <paramref name="r"/> in the region list (its used bits aside).</summary>
    public static int RegionBytes(RegionInfo r)
    {
        int n = TraceLimits.TextBytes(r.Name) + 1 + Varint.Length(r.Base) + Varint.Length(r.Size) + Varint.Length((ulong)(r.Device + 1));
        if (r.Kind == RegionKind.Table)
            n += Varint.Length(r.Entries) + Varint.Length(r.EntrySize) + Varint.Length(r.Granule) + Varint.Length(r.PresentBit);
        return n;
    }

    sealed class BlockWriter
    {
        byte[] _buf = new byte[256];
        int _len;

        void Room(int n)
        {
            if (_len + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + n));
        }

        public void Byte(byte b)
        {
            Room(1);
            _buf[_len++] = b;
        }

        public void U16(ushort v)
        {
            Room(2);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(_len), v);
            _len += 2;
        }

        public void U32(uint v)
        {
            Room(4);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(_len), v);
            _len += 4;
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            Room(bytes.Length);
            bytes.CopyTo(_buf.AsSpan(_len));
            _len += bytes.Length;
        }

        public void Varint(ulong v)
        {
            Room(Internals.Varint.MaxLength);
            Internals.Varint.Write(_buf, ref _len, v);
        }

        public void String(string s)
        {
            int n = Encoding.UTF8.GetByteCount(s);
            Varint((ulong)n);
            Room(n);
            _len += Encoding.UTF8.GetBytes(s, _buf.AsSpan(_len));
        }

        public byte[] ToArray() => _buf.AsSpan(0, _len).ToArray();
    }

    /// <summary>
    /// Decodes and validates the block found at file offset <paramref name="fileOffset"/>; errors name
    /// the offset of the offending item.
    /// </summary>
    public static TraceMetadata Decode(ReadOnlySpan<byte> block, string file, long fileOffset, int version = FormatLayout.Version)
    {
        var r = new BlockReader(block, file, fileOffset);
        long at = r.Offset;
        byte archByte = r.Byte("arch");
        if (archByte > (byte)Arch.Riscv64) r.Fail(at, $"undefined arch {archByte}", 1);
        var arch = (Arch)archByte;
        at = r.Offset;
        string name = r.String("scenario name");
        if (MetadataRules.CheckText("scenario name", name) is { } badName) r.Fail(at, badName);

        int agentCount = r.Count("agent", FormatLayout.MaxAgents, 3);
        var agents = new AgentInfo[agentCount];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < agents.Length; i++)
        {
            at = r.Offset;
            string an = r.String("agent name");
            byte kind = r.Byte("agent kind");
            byte coherent = r.Byte("agent coherence");
            if (kind > 1 || coherent > 1) r.Fail(r.Offset - 2, $"agent '{an}' has kind byte {kind} and coherence byte {coherent} (0 or 1 each)", 2);
            var a = new AgentInfo(an, (AgentKind)kind, coherent == 1);
            if (MetadataRules.CheckAgent(a) is { } bad) r.Fail(at, bad);
            if (!names.Add(an)) r.Fail(at, $"agent '{an}' is declared twice");
            agents[i] = a;
        }

        int regionCount = r.Count("region", FormatLayout.MaxRegions, 5);
        var regions = new RegionInfo[regionCount];
        var regionStarts = new long[regionCount];
        names.Clear();
        for (int i = 0; i < regions.Length; i++)
        {
            at = regionStarts[i] = r.Offset;
            string rn = r.String("region name");
            byte kind = r.Byte("region kind");
            if (kind > (byte)RegionKind.Table) r.Fail(r.Offset - 1, $"region '{rn}' has undefined kind {kind}", 1);
            ulong b = r.Varint("region base");
            ulong size = r.Varint("region size");
            ulong dev = r.Varint("region device");
            if (dev > FormatLayout.MaxAgents) r.Fail(at, $"region '{rn}' names device {(long)dev - 1}, beyond the agents");
            ulong entries = 0, entrySize = 0, granule = 0, present = 0;
            if (kind == (byte)RegionKind.Table)
            {
                entries = r.Varint("table entries");
                entrySize = r.Varint("table entry size");
                granule = r.Varint("table granule");
                present = r.Varint("table present bit");
                if (entrySize > uint.MaxValue || granule > uint.MaxValue || present > uint.MaxValue)
                    r.Fail(at, $"table '{rn}' has an entry size, granule or present bit beyond 32 bits");
            }
            var region = new RegionInfo
            {
                Name = rn, Kind = (RegionKind)kind, Base = b, Size = size, Device = (int)dev - 1,
                Entries = entries, EntrySize = (uint)entrySize, Granule = (uint)granule, PresentBit = (uint)present,
            };
            if (MetadataRules.CheckRegion(region, agents) is { } bad) r.Fail(at, bad);
            if (!names.Add(rn)) r.Fail(at, $"region '{rn}' is declared twice");
            regions[i] = region;
        }
        if (MetadataRules.CheckOverlaps(regions, out int overlapping) is { } overlap) r.Fail(regionStarts[overlapping], overlap);

        int lockCount = r.Count("lock", FormatLayout.MaxLocks, 2);
        var locks = new string[lockCount];
        names.Clear();
        for (int i = 0; i < locks.Length; i++)
        {
            at = r.Offset;
            locks[i] = r.String("lock name");
            if (MetadataRules.CheckName("lock", locks[i]) is { } bad) r.Fail(at, bad);
            if (!names.Add(locks[i])) r.Fail(at, $"lock '{locks[i]}' is declared twice");
        }

        var sites = DecodeSites(ref r);
        var metadata = new TraceMetadata { Name = name, Arch = arch, Agents = agents, Regions = regions, Locks = locks, Sites = sites };
        if (version >= FormatLayout.ExtendedVersion) metadata = DecodeSections(ref r, metadata);
        if (!r.AtEnd) r.Fail(r.Offset, $"{r.Left} bytes after the metadata's last field", Math.Min(r.Left, 16));
        return metadata;
    }

    ref struct BlockReader(ReadOnlySpan<byte> block, string file, long fileOffset)
    {
        readonly ReadOnlySpan<byte> _block = block;
        int _pos;

        public readonly long Offset => fileOffset + _pos;
        public readonly bool AtEnd => _pos == _block.Length;
        public readonly int Left => _block.Length - _pos;

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public readonly void Fail(long offset, string problem, int hexBytes = 0)
        {
            int rel = (int)(offset - fileOffset);
            var bytes = hexBytes > 0 && rel >= 0 && rel < _block.Length ? _block.Slice(rel, Math.Min(hexBytes, _block.Length - rel)) : default;
            FormatThrow.Format(file, offset, -1, "metadata: " + problem, bytes);
        }

        public ushort U16(string what)
        {
            if (Left < 2) Fail(Offset, $"ends inside the {what}", Left);
            ushort v = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(_block[_pos..]);
            _pos += 2;
            return v;
        }

        public uint U32(string what)
        {
            if (Left < 4) Fail(Offset, $"ends inside the {what}", Left);
            uint v = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_block[_pos..]);
            _pos += 4;
            return v;
        }

        /// <summary>A reader over the next <paramref name="length"/> bytes (checked against the bytes left), which it skips.</summary>
        public BlockReader Sub(int length)
        {
            var sub = new BlockReader(_block.Slice(_pos, length), file, Offset);
            _pos += length;
            return sub;
        }

        public byte Byte(string what)
        {
            if (_pos >= _block.Length) Fail(Offset, $"ends inside the {what}");
            return _block[_pos++];
        }

        public ulong Varint(string what)
        {
            int start = _pos;
            if (!Internals.Varint.TryRead(_block, ref _pos, out ulong v))
            {
                _pos = start;
                Fail(Offset, $"{what}: malformed or cut-off varint", Math.Min(Internals.Varint.MaxLength, _block.Length - start));
            }
            return v;
        }

        /// <summary>A count, checked against its cap and against the bytes left (each item takes at least <paramref name="minItemBytes"/>).</summary>
        public int Count(string what, int cap, int minItemBytes)
        {
            long at = Offset;
            ulong n = Varint(what + " count");
            if (n > (ulong)cap) Fail(at, $"{n} {what}s (at most {cap})");
            if (n * (ulong)minItemBytes > (ulong)Left) Fail(at, $"{n} {what}s cannot fit in the {Left} bytes left");
            return (int)n;
        }

        public string String(string what) => Encoding.UTF8.GetString(Utf8(what));

        /// <summary>
        /// <see cref="Utf8"/> of a well-formed string (its length varint, cap, bytes inside the block, valid UTF-8);
        /// else false with nothing skipped, so that <see cref="Utf8"/> then reports what is wrong.
        /// </summary>
        public bool TryUtf8(out ReadOnlySpan<byte> bytes)
        {
            int p = _pos;
            bytes = default;
            if (!Internals.Varint.TryRead(_block, ref p, out ulong n) || n > FormatLayout.MaxStringBytes || n > (ulong)(_block.Length - p)) return false;
            var s = _block.Slice(p, (int)n);
            if (!System.Text.Unicode.Utf8.IsValid(s)) return false;
            _pos = p + (int)n;
            bytes = s;
            return true;
        }

        /// <summary>A string's bytes, checked (length, inside the block, valid UTF-8), which it skips.</summary>
        public ReadOnlySpan<byte> Utf8(string what)
        {
            long at = Offset;
            ulong n = Varint(what + " length");
            if (n > FormatLayout.MaxStringBytes) Fail(at, $"{what} of {n} bytes (at most {FormatLayout.MaxStringBytes})");
            if (n > (ulong)Left) Fail(at, $"{what} of {n} bytes runs past the metadata's end");
            var bytes = _block.Slice(_pos, (int)n);
            if (!System.Text.Unicode.Utf8.IsValid(bytes)) Fail(Offset, $"{what} is not valid UTF-8", (int)Math.Min(n, 16));
            _pos += (int)n;
            return bytes;
        }
    }

}
