using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TraceTools.Replay.Memory;

/// <summary>
/// Fill, clear and copy of shadow columns, scalar for the short runs most accesses are (4 or 8 bytes):
/// the span helpers call out (ZeroMemory, Memmove) and set up vector loops, which cost more than the
/// work itself for a handful of elements. Long runs keep the vectorized span operations.
/// </summary>
static class SmallSpans
{
    /// <summary>Longest run done element by element.</summary>
    public const int Scalar = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill<T>(T[] column, int offset, int length, T value)
    {
        if (length <= Scalar && (uint)(offset + length) <= (uint)column.Length)
        {
            ref T start = ref column[offset];
            for (int k = 0; k < length; k++) Unsafe.Add(ref start, k) = value;
        }
        else column.AsSpan(offset, length).Fill(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear<T>(T[] column, int offset, int length) => Fill(column, offset, length, default(T)!);

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int length = source.Length;
        if (length <= Scalar && length == destination.Length)
        {
            ref byte to = ref MemoryMarshal.GetReference(destination);
            ref byte from = ref MemoryMarshal.GetReference(source);
            // A 4- or 8-byte store (nearly every one) is one move, not a byte loop.
            if (length == 8) Unsafe.WriteUnaligned(ref to, Unsafe.ReadUnaligned<ulong>(ref from));
            else if (length == 4) Unsafe.WriteUnaligned(ref to, Unsafe.ReadUnaligned<uint>(ref from));
            else for (int k = 0; k < length; k++) Unsafe.Add(ref to, k) = Unsafe.Add(ref from, k);
        }
        else source.CopyTo(destination);
    }
}
