namespace TraceTools.TraceFormat;

/// <summary>How a chunk's payload is stored on disk (the numeric value is the on-disk codec byte).</summary>
public enum TraceCodec : byte
{
    /// <summary>Stored as is.</summary>
    None = 0,
    /// <summary>LZ4 block format through the system <c>liblz4.so.1</c>.</summary>
    Lz4 = 1,
}
