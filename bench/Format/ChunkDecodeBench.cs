using BenchmarkDotNet.Attributes;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Bench.Format;

/// <summary>
/// The column decode loop alone, over one 65536-event raw payload of the realistic mix already in memory (plus a
/// copy of it into the decode buffer): the ceiling the reader approaches when I/O, CRC and LZ4 are cheap. Times are per event.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PerEventConfig))]
public class ChunkDecodeBench
{
    const int Events = 65536;
    byte[] _raw = [], _buffer = [];
    int _rawLength;
    EventContext _ctx = null!;
    DecodeScratch _scratch = null!;
    readonly EventBatch _batch = new(Events);


    /// <summary>Writes one chunk with codec none and keeps its raw payload.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var ms = new MemoryStream();
        using (var w = new TraceWriter(ms, RealisticMix.Metadata, new TraceWriterOptions { Codec = TraceCodec.None, ChunkEvents = Events }))
        {
            RealisticMix.Generate(w, Events);
            w.Complete();
        }
        var file = ms.ToArray();
        int metadataLength = BitConverter.ToInt32(file, 12);
        int chunk = FormatLayout.FileHeaderSize + metadataLength;
        _rawLength = BitConverter.ToInt32(file, chunk + 16);
        _raw = new byte[_rawLength];
        Array.Copy(file, chunk + FormatLayout.ChunkHeaderSize, _raw, 0, _rawLength);
        _buffer = new byte[ChunkDecoder.BufferLength(_rawLength, Events)];
        _ctx = new EventContext(RealisticMix.Metadata);
        _scratch = new DecodeScratch(_ctx.AgentCount);
    }

    /// <summary>
    /// Copies the payload into the decode buffer (as a decompression would write it: the decoder lends that buffer
    /// to the batch and takes the batch's previous one back) and decodes it into the batch.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int DecodeColumns()
    {
        if (_buffer.Length < ChunkDecoder.BufferLength(_rawLength, Events)) _buffer = new byte[ChunkDecoder.BufferLength(_rawLength, Events)];
        _raw.CopyTo(_buffer, 0);
        _buffer.AsSpan(_rawLength, Varint.Padding).Clear();
        ChunkDecoder.Decode(ref _buffer, _rawLength, Events, 0, _ctx, _scratch, _batch, new ChunkOrigin("bench", 0, 0, true));
        return _batch.Count;
    }
}
