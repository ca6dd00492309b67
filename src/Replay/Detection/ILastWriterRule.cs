using TraceTools.Replay.Memory;

namespace TraceTools.Replay.Detection;

/// <summary>Whose writes a last-writer rule judges: a byte whose last write (any agent) is of that side.</summary>
public enum WriterSide : byte
{
    /// <summary>Bytes last written by a cpu store.</summary>
    Cpu,
    /// <summary>Bytes last written by a device DMA write.</summary>
    Device,
}

/// <summary>Which cache mark a last-writer rule reads beside the writer (runs are split where it changes).</summary>
public enum CacheMark : byte
{
    /// <summary>None.</summary>
    None,
    /// <summary><see cref="LastWrite.CleanTime"/>.</summary>
    CleanTime,
    /// <summary><see cref="LastWrite.InvalidatedBy"/>.</summary>
    InvalidatedBy,
}

/// <summary>The last write of a run of bytes, with the cache mark the rule asked for (0 otherwise).</summary>
/// <param name="Writer">The last writer (of the rule's side).</param>
/// <param name="CleanTime">Local time of the first clean by the writer's cpu after the store (0: none).</param>
/// <param name="InvalidatedBy">cpus (bit = agent id mod 64) that invalidated the bytes hb-after the device write.</param>
public readonly record struct LastWrite(Epoch Writer, uint CleanTime, ulong InvalidatedBy);

/// <summary>
/// A rule over the last writer of each data byte of an access (stale-dma-read, stale-cpu-read and the
/// cache detectors): <see cref="DetectorView.FindLastWriter{TRule}"/> walks the bytes in runs of equal
/// last writers and asks <see cref="Fails"/> at most once per run: a write that holds several consecutive
/// runs (split by pages, cells or a mark the rule does not read) is asked once, so <see cref="Fails"/> must
/// answer from the write and the view alone. Implement it on a struct: the walk is generic
/// over it, so the JIT compiles one copy per rule, folds <see cref="Side"/> and <see cref="Mark"/> to
/// constants and inlines <see cref="Fails"/> (no interface call per run).
/// </summary>
public interface ILastWriterRule
{
    /// <summary>Whose writes are judged; bytes last written by the other side are skipped.</summary>
    WriterSide Side { get; }

    /// <summary>The cache mark <see cref="Fails"/> reads.</summary>
    CacheMark Mark { get; }

    /// <summary>True when the rule fails for a run of bytes with this last write: the walk stops there.</summary>
    bool Fails(DetectorView view, in LastWrite write);
}
