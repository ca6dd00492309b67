using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TraceTools.Replay.Clocks;

/// <summary>
/// Vector-clock joins (element-wise max). Clock widths are multiples of <see cref="ClockSimdSelector.Lanes"/>,
/// so the vector kernels run without a tail; the scalar kernel is their tested twin.
/// </summary>
[SkipLocalsInit]
public static class ClockKernels
{
    /// <summary>
    /// dst = max(dst, src) with the kernel <paramref name="simd"/>. A row of <see cref="ClockSimdSelector.Lanes"/>
    /// components (every trace with up to 16 agents) is one Vector512 or two Vector256 max, inlined into the
    /// caller: the loop kernels' call, bounds checks and loop cost more than the max itself, and the hb
    /// stage joins several rows per acquire.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Join(ClockSimd simd, Span<uint> dst, ReadOnlySpan<uint> src)
    {
        if (dst.Length == ClockSimdSelector.Lanes && src.Length >= ClockSimdSelector.Lanes && simd != ClockSimd.Scalar)
        {
            ref uint d = ref MemoryMarshal.GetReference(dst);
            ref uint s = ref MemoryMarshal.GetReference(src);
            if (simd == ClockSimd.V512)
            {
                Vector512.Max(Vector512.LoadUnsafe(ref d), Vector512.LoadUnsafe(ref s)).StoreUnsafe(ref d);
            }
            else
            {
                Vector256.Max(Vector256.LoadUnsafe(ref d), Vector256.LoadUnsafe(ref s)).StoreUnsafe(ref d);
                Vector256.Max(Vector256.LoadUnsafe(ref d, 8), Vector256.LoadUnsafe(ref s, 8)).StoreUnsafe(ref d, 8);
            }
            return;
        }
        JoinAny(simd, dst, src);
    }

    /// <summary>The loop kernels, for rows wider than one vector row (or the scalar twin).</summary>
    static void JoinAny(ClockSimd simd, Span<uint> dst, ReadOnlySpan<uint> src)
    {
        if (simd == ClockSimd.V512) JoinV512(dst, src);
        else if (simd == ClockSimd.V256) JoinV256(dst, src);
        else JoinScalar(dst, src);
    }

    /// <summary>
    /// dst = src for one clock row. Rows are one or two vectors wide, where <see cref="Span{T}.CopyTo"/>'s
    /// general memmove call costs more than the copy itself (releases copy several rows each).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ClockSimd simd, Span<uint> dst, ReadOnlySpan<uint> src)
    {
        if (simd == ClockSimd.Scalar || src.Length < dst.Length || (dst.Length & 15) != 0)
        {
            src[..dst.Length].CopyTo(dst);
            return;
        }
        ref uint d = ref MemoryMarshal.GetReference(dst);
        ref uint s = ref MemoryMarshal.GetReference(src);
        if (dst.Length == ClockSimdSelector.Lanes)
        {
            // One row of 16: no loop (see Join).
            if (simd == ClockSimd.V512) Vector512.LoadUnsafe(ref s).StoreUnsafe(ref d);
            else
            {
                Vector256.LoadUnsafe(ref s).StoreUnsafe(ref d);
                Vector256.LoadUnsafe(ref s, 8).StoreUnsafe(ref d, 8);
            }
            return;
        }
        if (simd == ClockSimd.V512)
        {
            for (nuint i = 0, n = (nuint)dst.Length; i < n; i += 16) Vector512.LoadUnsafe(ref s, i).StoreUnsafe(ref d, i);
        }
        else
        {
            for (nuint i = 0, n = (nuint)dst.Length; i < n; i += 8) Vector256.LoadUnsafe(ref s, i).StoreUnsafe(ref d, i);
        }
    }

    /// <summary>
    /// True when two clock rows are equal but for component <paramref name="except"/>, with the kernel
    /// <paramref name="simd"/> (the hb stage compares an agent's HB row, whose own component is written lazily,
    /// with the one it last logged for the data shards at every data access: a masked vector compare, where
    /// the span helpers' call cost more than the compare and patching the component first stalled the
    /// vector load on the fresh store).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SameExcept(ClockSimd simd, ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, int except)
    {
        if (simd == ClockSimd.Scalar || a.Length != b.Length || (a.Length & 15) != 0) return SameExceptScalar(a, b, except);
        ref uint x = ref MemoryMarshal.GetReference(a);
        ref uint y = ref MemoryMarshal.GetReference(b);
        if (simd == ClockSimd.V512)
        {
            for (int i = 0; i < a.Length; i += 16)
            {
                ulong differ = ~Vector512.Equals(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).ExtractMostSignificantBits() & 0xFFFF;
                if ((uint)(except - i) < 16) differ &= ~(1UL << (except - i));
                if (differ != 0) return false;
            }
            return true;
        }
        for (int i = 0; i < a.Length; i += 8)
        {
            uint differ = ~Vector256.Equals(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).ExtractMostSignificantBits() & 0xFF;
            if ((uint)(except - i) < 8) differ &= ~(1U << (except - i));
            if (differ != 0) return false;
        }
        return true;
    }

    /// <summary>
    /// Bit i set when <c>incoming[i] &gt; mine[i]</c> and <c>incoming[i] &gt; loads[i]</c>, for one row of
    /// <see cref="ClockSimdSelector.Lanes"/> components: which agents a plain acquire raises past both the
    /// acquirer's HB and its LOADS (its acquire log keeps the devices among them). One vector compare
    /// instead of a loop over the devices on every plain acquire.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint RaisedLanes(ClockSimd simd, ReadOnlySpan<uint> mine, ReadOnlySpan<uint> incoming, ReadOnlySpan<uint> loads)
    {
        const int n = ClockSimdSelector.Lanes;
        if (simd == ClockSimd.Scalar || mine.Length < n || incoming.Length < n || loads.Length < n) return RaisedLanesScalar(mine, incoming, loads);
        ref uint m = ref MemoryMarshal.GetReference(mine);
        ref uint s = ref MemoryMarshal.GetReference(incoming);
        ref uint l = ref MemoryMarshal.GetReference(loads);
        if (simd == ClockSimd.V512)
        {
            var v = Vector512.LoadUnsafe(ref s);
            return (uint)(Vector512.GreaterThan(v, Vector512.LoadUnsafe(ref m)) & Vector512.GreaterThan(v, Vector512.LoadUnsafe(ref l))).ExtractMostSignificantBits();
        }
        var lo = Vector256.LoadUnsafe(ref s);
        var hi = Vector256.LoadUnsafe(ref s, 8);
        uint low = (Vector256.GreaterThan(lo, Vector256.LoadUnsafe(ref m)) & Vector256.GreaterThan(lo, Vector256.LoadUnsafe(ref l))).ExtractMostSignificantBits();
        uint high = (Vector256.GreaterThan(hi, Vector256.LoadUnsafe(ref m, 8)) & Vector256.GreaterThan(hi, Vector256.LoadUnsafe(ref l, 8))).ExtractMostSignificantBits();
        return low | high << 8;
    }

    /// <summary>Scalar twin of <see cref="RaisedLanes"/> (the first 16 components).</summary>
    public static uint RaisedLanesScalar(ReadOnlySpan<uint> mine, ReadOnlySpan<uint> incoming, ReadOnlySpan<uint> loads)
    {
        uint bits = 0;
        int n = Math.Min(ClockSimdSelector.Lanes, Math.Min(mine.Length, Math.Min(incoming.Length, loads.Length)));
        for (int i = 0; i < n; i++)
            if (incoming[i] > mine[i] && incoming[i] > loads[i]) bits |= 1u << i;
        return bits;
    }

    /// <summary>Scalar twin of <see cref="SameExcept"/>.</summary>
    public static bool SameExceptScalar(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, int except)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (i != except && a[i] != b[i]) return false;
        return true;
    }

    /// <summary>Scalar twin: one component at a time.</summary>
    public static void JoinScalar(Span<uint> dst, ReadOnlySpan<uint> src)
    {
        src = src[..dst.Length];
        for (int i = 0; i < dst.Length; i++)
        {
            uint s = src[i];
            if (s > dst[i]) dst[i] = s;
        }
    }

    /// <summary>Eight components per step; the length must be a multiple of 8.</summary>
    public static void JoinV256(Span<uint> dst, ReadOnlySpan<uint> src)
    {
        if (src.Length < dst.Length || (dst.Length & 7) != 0) ThrowWidth();
        ref uint d = ref MemoryMarshal.GetReference(dst);
        ref uint s = ref MemoryMarshal.GetReference(src);
        for (nuint i = 0, n = (nuint)dst.Length; i < n; i += 8)
            Vector256.Max(Vector256.LoadUnsafe(ref d, i), Vector256.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
    }

    /// <summary>Sixteen components per step; the length must be a multiple of 16.</summary>
    public static void JoinV512(Span<uint> dst, ReadOnlySpan<uint> src)
    {
        if (src.Length < dst.Length || (dst.Length & 15) != 0) ThrowWidth();
        ref uint d = ref MemoryMarshal.GetReference(dst);
        ref uint s = ref MemoryMarshal.GetReference(src);
        for (nuint i = 0, n = (nuint)dst.Length; i < n; i += 16)
            Vector512.Max(Vector512.LoadUnsafe(ref d, i), Vector512.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
    }

    static void ThrowWidth() => ReplayThrow.ClockWidth();
}
