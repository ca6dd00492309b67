namespace TraceTools.TraceFormat.Internals;

/// <summary>What <see cref="KindClassifier"/> reads: the padded payload and where its kinds are, the trace's facts, the batch whose agents are unpacked.</summary>
readonly ref struct ClassifyInput(byte[] padded, int kindsAt, int extEnd, long firstIndex, EventContext ctx, EventBatch batch, in ChunkOrigin origin)
{
    public readonly byte[] Padded = padded;
    public readonly int KindsAt = kindsAt, ExtEnd = extEnd;
    public readonly long FirstIndex = firstIndex;
    public readonly EventContext Ctx = ctx;
    public readonly EventBatch Batch = batch;
    public readonly ChunkOrigin Origin = origin;
}
