using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// Bulk unpacking of the agents column before the per-column passes: 1-byte agent ids widened to u16 (the
/// kinds are written by <see cref="KindClassifier"/>). Vector paths (128/256-bit) and the scalar twin they are tested
/// against; <c>TRACETOOLS_SIMD=scalar</c> forces the scalar path.
/// </summary>
static class ColumnUnpack
{
    /// <summary>True when the vector paths run (hardware support and not forced off).</summary>
    public static readonly bool UseVectors =
        Vector128.IsHardwareAccelerated && !SimdSetting.ForcedScalar;

    /// <summary>dst[i] = src[i], widened.</summary>
    public static void Agents(ReadOnlySpan<byte> src, Span<ushort> dst)
    {
        if (UseVectors) AgentsVector(src, dst);
        else AgentsScalar(src, dst);
    }

    public static void AgentsScalar(ReadOnlySpan<byte> src, Span<ushort> dst)
    {
        if (dst.Length < src.Length) FormatThrow.Argument("destination too short", nameof(dst));
        for (int i = 0; i < src.Length; i++) dst[i] = src[i];
    }

    [SkipLocalsInit]
    public static void AgentsVector(ReadOnlySpan<byte> src, Span<ushort> dst)
    {
        if (dst.Length < src.Length) FormatThrow.Argument("destination too short", nameof(dst));
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
