namespace TraceTools.Replay.Memory;

sealed partial class Shadow
{
    /// <summary>The last writers of the access the detectors are judging, walked once for all of them.</summary>
    internal readonly LastWriterRuns LastWriters = new();
}
