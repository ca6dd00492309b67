namespace TraceTools.TraceFormat.Internals;

static partial class MetadataCodec
{
    /// <summary>Section tag 2 (<see cref="CacheLineCodec"/>): a little-endian u32, a power of two in 16..4096.</summary>
    static TraceMetadata DecodeCacheLine(ref BlockReader body, TraceMetadata m)
    {
        long at = body.Offset;
        if (CacheLineCodec.LengthProblem(body.Left) is { } badLength) body.Fail(at, badLength, Math.Min(body.Left, 8));
        uint size = body.U32("cache line size");
        if (CacheLines.Problem(size) is { } bad) body.Fail(at, bad, CacheLineCodec.Length);
        return m.WithCacheLineSize((int)size);
    }
}
