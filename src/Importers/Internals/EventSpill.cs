using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Importers.Internals;

/// <summary>
/// The merged events on disk until every site and lock is known: the trace header lists them before the
/// first event, and symbolization needs all code addresses at once. A record is 24 bytes (kind, agent, size,
/// aux, site, address, data length) plus its data. Hand-written rather than a second trace because a trace's
/// metadata must be complete before its first event.
/// <para>
/// Nothing may outlive the process, however it ends: on Linux and macOS the file loses its name as soon as it
/// is open (the open handle keeps its bytes), so SIGTERM, SIGINT, SIGKILL or the OOM killer leave nothing; on
/// Windows it deletes itself on close. A file an older run left (<c>.tracetools-import-PID-*.spill</c>) is
/// removed by the next import that spills to the same directory once PID is no longer running
/// (<see cref="RemoveStale"/>).
/// </para>
/// </summary>
[SkipLocalsInit]
sealed partial class EventSpill : IDisposable
{
    const int RecordHeader = 24;
    const int BufferSize = 1 << 20;

    readonly FileStream _file;
    readonly byte[] _buffer = new byte[BufferSize];
    int _used;

    public EventSpill(string directory)
    {
        RemoveStale(directory);
        string path = Path.Combine(directory, $"{Prefix}{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}{Suffix}");
        // DeleteOnClose stays for Windows, where an open file cannot lose its name; on Unix its unlink at close
        // finds the name already gone, which it ignores.
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows()) Unlink(path);
    }

    public long Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(in TraceEvent e, ReadOnlySpan<byte> data)
    {
        if (_used + RecordHeader + data.Length > BufferSize) Flush();
        var b = _buffer.AsSpan(_used);
        b[0] = (byte)e.Kind;
        b[1] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(b[2..], e.Agent);
        BinaryPrimitives.WriteUInt16LittleEndian(b[4..], (ushort)e.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(b[6..], (ushort)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], e.Aux);
        BinaryPrimitives.WriteInt32LittleEndian(b[12..], e.Site);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], e.Address);
        data.CopyTo(b[RecordHeader..]);
        _used += RecordHeader + data.Length;
        Count++;
    }

    void Flush()
    {
        _file.Write(_buffer, 0, _used);
        _used = 0;
    }

    /// <summary>Replays every record into <paramref name="sink"/> with site ids mapped through <paramref name="siteRemap"/>.</summary>
    public void CopyTo(IEventSink sink, int[] siteRemap)
    {
        Flush();
        _file.Position = 0;
        int filled = 0, pos = 0;
        for (long n = 0; n < Count; n++)
        {
            if (filled - pos < RecordHeader + TraceEvent.MaxSize)
            {
                Array.Copy(_buffer, pos, _buffer, 0, filled - pos);
                filled -= pos;
                pos = 0;
                int got;
                while (filled < BufferSize && (got = _file.Read(_buffer, filled, BufferSize - filled)) > 0) filled += got;
            }
            var b = _buffer.AsSpan(pos);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(b[4..]);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(b[6..]);
            int site = BinaryPrimitives.ReadInt32LittleEndian(b[12..]);
            var e = new TraceEvent((EventKind)b[0], BinaryPrimitives.ReadUInt16LittleEndian(b[2..]),
                BinaryPrimitives.ReadUInt64LittleEndian(b[16..]), size, BinaryPrimitives.ReadUInt32LittleEndian(b[8..]),
                site < 0 ? -1 : siteRemap[site]);
            sink.Append(in e, b.Slice(RecordHeader, length));
            pos += RecordHeader + length;
        }
    }

    public void Dispose() => _file.Dispose();
}
