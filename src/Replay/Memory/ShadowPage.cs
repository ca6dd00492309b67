namespace TraceTools.Replay.Memory;

/// <summary>
/// Shadow state of one 4 KiB page, byte-precise, as parallel columns (allocated on first touch).
/// Writes are kept per side (cpu, device) so the last writer of any agent is the later of the two.
/// </summary>
sealed class ShadowPage
{
    public const int Shift = 12, Size = 1 << Shift, Mask = Size - 1;

    /// <summary>Last cpu store / last device DMA write to each byte.</summary>
    public readonly Epoch[] CpuWrite = new Epoch[Size], DevWrite = new Epoch[Size];
    /// <summary>Last cpu load / last device DMA read of each byte (for dma-race).</summary>
    public readonly Epoch[] CpuRead = new Epoch[Size], DevRead = new Epoch[Size];
    /// <summary>Sync bytes: arena handle of the release the last store published (0: none).</summary>
    public readonly int[] Release = new int[Size];
    /// <summary>Local time of the first clean (or flush) by the last cpu writer after its store (0: none).</summary>
    public readonly uint[] CleanTime = new uint[Size];
    /// <summary>cpus (bit = cpu ordinal mod 64) that invalidated the byte hb-after its last device write.</summary>
    public readonly ulong[] InvalidatedBy = new ulong[Size];
    /// <summary>Reconstructed memory contents.</summary>
    public readonly byte[] Value = new byte[Size];
}
