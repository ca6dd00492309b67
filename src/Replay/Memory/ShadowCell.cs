using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay.Memory;

/// <summary>
/// One shadow cell: an access to some bytes of an 8-byte word, packed in a <see cref="ulong"/> as
/// ThreadSanitizer v3 packs its cells, so the few cells of a word compare in one vector. Bits 0–31: local
/// time (trace index + 1; 0 only in an empty cell); 32–47: agent; 48–55: byte mask (bit b = byte b of the
/// word); 56–57: <see cref="AccessColumn"/> (cpu or device, write or read); 63: on the first cell of a word,
/// "this word spilled" (its cells live in the page's spill table). The low 48 bits are the packed epoch
/// (<see cref="Epoch.At"/>), so a cell names its event without an index field.
/// </summary>
static class ShadowCell
{
    public const int MaskShift = 48, ColumnShift = 56;
    public const ulong EpochBits = (1UL << MaskShift) - 1;
    public const ulong MaskBits = 0xFFUL << MaskShift;
    public const ulong ColumnBits = 3UL << ColumnShift;
    public const ulong SpillFlag = 1UL << 63;
    public const int FullMask = 0xFF;

    /// <summary>A cell of <paramref name="column"/> by the packed epoch <paramref name="at"/> over <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Make(AccessColumn column, ulong at, int mask) =>
        at | ((ulong)(uint)mask << MaskShift) | ((ulong)column << ColumnShift);

    /// <summary>The column field of a cell, in place (for comparisons against <see cref="ColumnKey"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ColumnKey(AccessColumn column) => (ulong)column << ColumnShift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static AccessColumn Column(ulong cell) => (AccessColumn)((cell >> ColumnShift) & 3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Mask(ulong cell) => (int)(cell >> MaskShift) & FullMask;

    /// <summary>The packed epoch (agent, time) of the cell.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong At(ulong cell) => cell & EpochBits;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Time(ulong cell) => (uint)cell;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Agent(ulong cell) => (int)(cell >> 32) & 0xFFFF;

    /// <summary>The cell with its mask replaced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong WithMask(ulong cell, int mask) => (cell & ~MaskBits) | ((ulong)(uint)mask << MaskShift);

    /// <summary>The byte mask of bytes [from, to) of a word (0 ≤ from &lt; to ≤ 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Bytes(int from, int to) => (FullMask >> (8 - (to - from))) << from;
}
