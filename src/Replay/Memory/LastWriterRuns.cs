using System.Diagnostics;
using System.Runtime.CompilerServices;
using TraceTools.TraceFormat;

namespace TraceTools.Replay.Memory;

/// <summary>A run's last writer, of the side whose list holds it, with the cache mark on its cell.</summary>
/// <param name="At">The packed epoch of the write.</param>
/// <param name="Mark">The write cell's mark: a clean time for a cpu store, invalidations for a device write.</param>
readonly record struct WriterRun(ulong At, ulong Mark);

/// <summary>
/// The last writers of one access's data bytes, walked once and kept for every detector that asks about the
/// same access (stale-dma-read and missing-cache-clean on a DMA read; stale-cpu-read and
/// missing-cache-invalidate on a load): in address order, the runs whose last write is a cpu store, and those
/// whose last write is a device write, each with its mark; a run equal to the one before it is kept once.
/// </summary>
/// <remarks>
/// Keyed by the access (trace index, kind, address, size): the data hooks of an access all run before the
/// shadow records it (<c>ReplayEngine.Write</c>/<c>Read</c>), and detectors cannot write the shadow, so the
/// runs stay true for the whole hook. The buffers grow to <see cref="MaxRuns"/> per side and are then
/// reused: no allocation in steady state. An access with more runs than that is not kept; the caller
/// walks it itself.
/// </remarks>
sealed class LastWriterRuns
{
    /// <summary>Runs kept per side before an access is left to the direct walk.</summary>
    public const int MaxRuns = 8192;

    readonly int _maxRuns;
    long _index = -1;
    EventKind _kind;
    ulong _address;
    int _size;
    bool _kept;
    WriterRun[] _cpu, _dev;
    int _cpuCount, _devCount;

    /// <summary>Creates the cache; <paramref name="maxRuns"/> below <see cref="MaxRuns"/> lets tests reach the direct walk.</summary>
    public LastWriterRuns(int maxRuns = MaxRuns)
    {
        _maxRuns = maxRuns;
        _cpu = new WriterRun[Math.Min(16, maxRuns)];
        _dev = new WriterRun[Math.Min(16, maxRuns)];
    }

    /// <summary>Walks done so far (each access at most once; tests).</summary>
    public long Walks { get; private set; }

    /// <summary>Runs last written by a cpu store, of the access <see cref="Collect"/> last kept.</summary>
    public ReadOnlySpan<WriterRun> Cpu => _cpu.AsSpan(0, _cpuCount);

    /// <summary>Runs last written by a device write, of the access <see cref="Collect"/> last kept.</summary>
    public ReadOnlySpan<WriterRun> Device => _dev.AsSpan(0, _devCount);

    /// <summary>
    /// Makes <see cref="Cpu"/> and <see cref="Device"/> the runs of the access (walked on the first call for
    /// it); false when it has too many runs to keep (walk it directly).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Collect(Shadow shadow, RegionInfo region, long index, EventKind kind, ulong address, int size)
    {
        if (index == _index && kind == _kind && address == _address && size == _size)
        {
            AssertUnchanged(shadow, region);
            return _kept;
        }
        _index = index;
        _kind = kind;
        _address = address;
        _size = size;
        _kept = Walk(shadow, region, address, size);
        return _kept;
    }

    /// <summary>Forgets the kept access (the next <see cref="Collect"/> walks again).</summary>
    public void Clear() => _index = -1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool Walk(Shadow shadow, RegionInfo region, ulong address, int size)
    {
        Walks++;
        _cpuCount = _devCount = 0;
        ulong cursor = address, end = address + (ulong)size;
        while (shadow.NextRun(region, ByteClass.Data, ref cursor, end, out var page, out int off, out int len))
        {
            for (int k = off, stop = off + len, n; k < stop; k += n)
            {
                n = page.WriterRun(k, stop, out ulong cpuAt, out ulong cpuMark, out ulong devAt, out ulong devMark);
                // The last writer (any agent) is the later of the two sides (times are trace indices + 1).
                if ((uint)cpuAt > (uint)devAt)
                {
                    if (!Add(ref _cpu, ref _cpuCount, new WriterRun(cpuAt, cpuMark))) return false;
                }
                else if ((uint)devAt > (uint)cpuAt && !Add(ref _dev, ref _devCount, new WriterRun(devAt, devMark))) return false;
            }
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool Add(ref WriterRun[] runs, ref int count, WriterRun run)
    {
        // Runs split at page and cell boundaries, and by the other side's writes: the same write again adds nothing.
        if (count != 0 && runs[count - 1] == run) return true;
        if (count == runs.Length)
        {
            if (count >= _maxRuns) return false;
            Array.Resize(ref runs, Math.Min(2 * count, _maxRuns));
        }
        runs[count++] = run;
        return true;
    }

    /// <summary>Debug builds: a kept access is walked again on every hit and must give the same runs (the shadow did not change under it).</summary>
    [Conditional("DEBUG")]
    void AssertUnchanged(Shadow shadow, RegionInfo region)
    {
        var again = new LastWriterRuns(_maxRuns);
        bool kept = again.Walk(shadow, region, _address, _size);
        if (kept != _kept || (kept && (!again.Cpu.SequenceEqual(Cpu) || !again.Device.SequenceEqual(Device))))
            ReplayThrow.Invalid($"event #{_index}: the shadow changed under the kept last writers of its access");
    }
}
