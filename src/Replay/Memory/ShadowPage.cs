using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Shadow state of one 4 KiB page, byte-precise, as parallel primitive columns (allocated on first
/// touch) so that an access fills and scans them with vectorized span operations. Each epoch is one
/// column of packed (agent, time) values (<see cref="Epoch.At"/>; 0 = none; equal values mean the same
/// access, which is what run detection compares; time = trace index + 1, so the epoch names its event
/// and times of different agents compare in trace order).
/// Writes are kept per side (cpu, device): the last writer of any agent is the later of the two.
/// </summary>
sealed class ShadowPage
{
    public const int Shift = 12, Size = 1 << Shift, Mask = Size - 1;

    /// <summary>
    /// The end of [<paramref name="cursor"/>, <paramref name="end"/>) clipped to the page holding
    /// <paramref name="cursor"/>. Computed from the bytes left, not as the next page's address: on the
    /// last page of the 64-bit space that address wraps to 0, and a walk would restart at address 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ClipToPage(ulong cursor, ulong end)
    {
        ulong left = (ulong)Size - (cursor & Mask);
        return end - cursor > left ? cursor + left : end;
    }

    public readonly ulong[] CpuWriteAt = new ulong[Size], DevWriteAt = new ulong[Size];
    /// <summary>Last cpu load / last device DMA read of each byte (for dma-race).</summary>
    public readonly ulong[] CpuReadAt = new ulong[Size], DevReadAt = new ulong[Size];
    // Rarely used columns start as one shared all-zero array (read-only by contract: written only after
    // the page got its own copy), so a page that never holds sync bytes or cache state does not allocate,
    // zero and fault in 64 KiB of them (a fifth of a page).
    static readonly int[] NoReleases = new int[Size];
    static readonly uint[] NoCleans = new uint[Size];
    static readonly ulong[] NoInvalidations = new ulong[Size];
    static readonly byte[] NoValues = new byte[Size];

    /// <summary>Sync bytes: arena handle of the release the last store published (0: none). Call <see cref="OwnReleases"/> before writing.</summary>
    public int[] Release = NoReleases;
    /// <summary>Local time of the first clean (or flush) by the last cpu writer after its store (0: none). Call <see cref="OwnCacheState"/> before writing.</summary>
    public uint[] CleanTime = NoCleans;
    /// <summary>cpus (bit = agent id mod 64) that invalidated the byte hb-after its last device write. Call <see cref="OwnCacheState"/> before writing.</summary>
    public ulong[] InvalidatedBy = NoInvalidations;
    /// <summary>
    /// True once a clean or invalidation marked a byte of this page. Until then <see cref="CleanTime"/> and
    /// <see cref="InvalidatedBy"/> are all zero and a write need not reset them: most pages never see cache
    /// maintenance, and resetting 12 bytes of state per written byte dominated replay on large copies.
    /// </summary>
    public bool HasCacheState;

    /// <summary>Gives the page its own <see cref="Release"/> column (before the first sync store).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int[] OwnReleases() => Release != NoReleases ? Release : Release = new int[Size];

    /// <summary>Gives the page its own cache-state columns (before the first clean or invalidation mark).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OwnCacheState()
    {
        if (HasCacheState) return;
        CleanTime = new uint[Size];
        InvalidatedBy = new ulong[Size];
        HasCacheState = true;
    }
    /// <summary>
    /// Reconstructed contents of table bytes (only entries' values matter: the entry detectors compare a
    /// store's bytes with them). Call <see cref="OwnValues"/> before writing; pages without table writes
    /// keep the shared all-zero column.
    /// </summary>
    public byte[] Value = NoValues;

    /// <summary>Gives the page its own <see cref="Value"/> column (before the first table write).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte[] OwnValues() => Value != NoValues ? Value : Value = new byte[Size];
    public Epoch CpuWrite(int k) => Epoch.From(CpuWriteAt[k]);
    public Epoch DevWrite(int k) => Epoch.From(DevWriteAt[k]);
    public Epoch CpuRead(int k) => Epoch.From(CpuReadAt[k]);
    public Epoch DevRead(int k) => Epoch.From(DevReadAt[k]);

    /// <summary>True when the byte's last write (any agent) was by a cpu (times are trace indices + 1, 0 = none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool LastWriteIsCpu(int k) => (uint)CpuWriteAt[k] > (uint)DevWriteAt[k];

    /// <summary>True when the byte's last write (any agent) was by a device.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool LastWriteIsDevice(int k) => (uint)DevWriteAt[k] > (uint)CpuWriteAt[k];

    /// <summary>Length of the run from <paramref name="k"/> to <paramref name="end"/> over which both columns keep their value at k (<see cref="ShadowRuns"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Run(ulong[] a, ulong[] b, int k, int end) => ShadowRuns.Length(a, b, k, end);

    /// <summary>Length of the run from <paramref name="k"/> over which the column keeps its value at k (<see cref="ShadowRuns"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Run<T>(T[] a, int k, int end) where T : struct, IEquatable<T> => ShadowRuns.Length<T>(a, k, end);
}
