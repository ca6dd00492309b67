using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Bulk unpacking of the fixed-width columns before the per-event loop: kind bytes masked to their low
/// 4 bits, 1-byte agent ids widened to u16. Vector paths (128/256-bit) and the scalar twin they are tested
/// against; <c>TRACETOOLS_SIMD=scalar</c> forces the scalar path.
/// </summary>
static class ColumnUnpack
{
    /// <summary>True when the vector paths run (hardware support and not forced off).</summary>
    public static readonly bool UseVectors =
        Vector128.IsHardwareAccelerated && Environment.GetEnvironmentVariable("TRACETOOLS_SIMD") != "scalar";

    /// <summary>kinds[i] = (EventKind)(src[i] &amp; 0xF).</summary>
    public static void Kinds(ReadOnlySpan<byte> src, Span<EventKind> dst)
    {
        if (UseVectors) KindsVector(src, dst);
        else KindsScalar(src, dst);
    }

    /// <summary>dst[i] = src[i], widened.</summary>
    public static void Agents(ReadOnlySpan<byte> src, Span<ushort> dst)
    {
        if (UseVectors) AgentsVector(src, dst);
        else AgentsScalar(src, dst);
    }

    public static void KindsScalar(ReadOnlySpan<byte> src, Span<EventKind> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination too short", nameof(dst));
        for (int i = 0; i < src.Length; i++) dst[i] = (EventKind)(src[i] & 0xF);
    }

    public static void AgentsScalar(ReadOnlySpan<byte> src, Span<ushort> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination too short", nameof(dst));
        for (int i = 0; i < src.Length; i++) dst[i] = src[i];
    }

    [SkipLocalsInit]
    public static void KindsVector(ReadOnlySpan<byte> src, Span<EventKind> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination too short", nameof(dst));
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref Unsafe.As<EventKind, byte>(ref MemoryMarshal.GetReference(dst));
        int n = src.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create((byte)0xF);
            for (; i + Vector256<byte>.Count <= n; i += Vector256<byte>.Count)
                (Vector256.LoadUnsafe(ref s, (nuint)i) & mask).StoreUnsafe(ref d, (nuint)i);
        }
        var mask128 = Vector128.Create((byte)0xF);
        for (; i + Vector128<byte>.Count <= n; i += Vector128<byte>.Count)
            (Vector128.LoadUnsafe(ref s, (nuint)i) & mask128).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, i) & 0xF);
    }

    [SkipLocalsInit]
    public static void AgentsVector(ReadOnlySpan<byte> src, Span<ushort> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination too short", nameof(dst));
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref ushort d = ref MemoryMarshal.GetReference(dst);
        int n = src.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<byte>.Count <= n; i += Vector256<byte>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)i));
                lo.StoreUnsafe(ref d, (nuint)i);
                hi.StoreUnsafe(ref d, (nuint)(i + Vector256<ushort>.Count));
            }
        }
        for (; i + Vector128<byte>.Count <= n; i += Vector128<byte>.Count)
        {
            var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref s, (nuint)i));
            lo.StoreUnsafe(ref d, (nuint)i);
            hi.StoreUnsafe(ref d, (nuint)(i + Vector128<ushort>.Count));
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }
}
