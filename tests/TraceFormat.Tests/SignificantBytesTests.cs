using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

[TestClass]
public sealed class SignificantBytesTests
{
    /// <summary>Value counts around the pair-per-byte unrolling (odd, even, one) with small and full-width values.</summary>
    public static IEnumerable<object[]> Cases() =>
        from count in new[] { 0, 1, 2, 3, 16, 17, 1001 }
        from maxBytes in new[] { 1, 3, 8 }
        select new object[] { count, maxBytes };

    /// <summary>Spells values as the writer does: a nibble per value (two per byte, low first), then their low bytes.</summary>
    static (byte[] Lengths, byte[] Bytes) Encode(ulong[] values)
    {
        var lengths = new byte[(values.Length + 1) / 2];
        var bytes = new List<byte>();
        for (int k = 0; k < values.Length; k++)
        {
            int n = (64 - System.Numerics.BitOperations.LeadingZeroCount(values[k]) + 7) / 8;
            lengths[k / 2] |= (byte)(n << (4 * (k & 1)));
            for (int b = 0; b < n; b++) bytes.Add((byte)(values[k] >> (8 * b)));
        }
        bytes.AddRange(new byte[SignificantBytes.Slack]);
        return (lengths, bytes.ToArray());
    }

    static ulong[] RandomValues(int count, int maxBytes, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            int n = rng.Next(0, maxBytes + 1);
            return n == 0 ? 0 : (ulong)rng.NextInt64() << 1 >> (64 - 8 * n) | 1UL << (8 * n - 1);
        })];
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Unpack_ScalarTwin_ReturnsTheWrittenValues(int count, int maxBytes)
    {
        var values = RandomValues(count, maxBytes, 1000 * count + maxBytes);
        var (lengths, bytes) = Encode(values);
        Assert.AreEqual(bytes.Length - SignificantBytes.Slack, SignificantBytes.TotalLength(lengths));
        var dst = new ulong[2 * lengths.Length];
        SignificantBytes.UnpackScalar(lengths, bytes, dst);
        CollectionAssert.AreEqual(values, dst.Take(count).ToArray());
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Unpack_VectorPath_EqualsScalarTwin(int count, int maxBytes)
    {
        if (!Ssse3.IsSupported && !AdvSimd.Arm64.IsSupported) Assert.Inconclusive("no byte shuffle on this cpu");
        var values = RandomValues(count, maxBytes, 2000 * count + maxBytes);
        var (lengths, bytes) = Encode(values);
        var scalar = new ulong[2 * lengths.Length];
        var vector = new ulong[2 * lengths.Length];
        SignificantBytes.UnpackScalar(lengths, bytes, scalar);
        SignificantBytes.UnpackVector(lengths, bytes, vector);
        CollectionAssert.AreEqual(scalar, vector);
        CollectionAssert.AreEqual(values, vector.Take(count).ToArray());
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Unpack_WidePath_EqualsScalarTwin(int count, int maxBytes)
    {
        if (!Avx512Vbmi.IsSupported || !Bmi2.X64.IsSupported) Assert.Inconclusive("no AVX-512 VBMI on this cpu");
        var values = RandomValues(count, maxBytes, 4000 * count + maxBytes);
        var (lengths, bytes) = Encode(values);
        foreach (bool zigZag in new[] { false, true })
        {
            var scalar = new ulong[2 * lengths.Length];
            var wide = new ulong[2 * lengths.Length];
            SignificantBytes.UnpackScalar(lengths, bytes, scalar, zigZag);
            SignificantBytes.UnpackWide(lengths, bytes, wide, zigZag);
            CollectionAssert.AreEqual(scalar, wide, $"zigzag {zigZag}");
        }
    }

    /// <summary>The zigzag form (address deltas): both paths write the signed deltas the values code.</summary>
    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Unpack_ZigZag_VectorAndScalarTwinWriteTheSignedDeltas(int count, int maxBytes)
    {
        var values = RandomValues(count, maxBytes, 3000 * count + maxBytes);
        var (lengths, bytes) = Encode(values);
        var scalar = new ulong[2 * lengths.Length];
        SignificantBytes.UnpackScalar(lengths, bytes, scalar, zigZag: true);
        var deltas = values.Select(v => (ulong)((long)(v >> 1) ^ -(long)(v & 1))).ToArray();
        CollectionAssert.AreEqual(deltas, scalar.Take(count).ToArray());
        if (!Ssse3.IsSupported && !AdvSimd.Arm64.IsSupported) return;
        var vector = new ulong[2 * lengths.Length];
        SignificantBytes.UnpackVector(lengths, bytes, vector, zigZag: true);
        CollectionAssert.AreEqual(scalar, vector);
    }

    [TestMethod]
    [DataRow(new byte[] { 0x09 }, -1L)]
    [DataRow(new byte[] { 0x90 }, -1L)]
    [DataRow(new byte[] { 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0xF8, 0x11 }, -1L)]
    [DataRow(new byte[] { 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x21 }, 131L)]
    [DataRow(new byte[] { }, 0L)]
    public void TotalLength_LengthsAboveEight_AreRefusedElseSummed(byte[] lengths, long expected) =>
        Assert.AreEqual(expected, SignificantBytes.TotalLength(lengths));

    [TestMethod]
    public void Unpack_LengthsLongerThanTheBytes_ThrowInsteadOfReadingPast()
    {
        byte[] lengths = [0x88, 0x88, 0x88];
        var bytes = new byte[SignificantBytes.Slack + 8];
        var dst = new ulong[6];
        Assert.ThrowsExactly<ArgumentException>(() => SignificantBytes.UnpackScalar(lengths, bytes, dst));
        if (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported)
            Assert.ThrowsExactly<ArgumentException>(() => SignificantBytes.UnpackVector(lengths, bytes, dst));
        if (Avx512Vbmi.IsSupported && Bmi2.X64.IsSupported)
            Assert.ThrowsExactly<ArgumentException>(() => SignificantBytes.UnpackWide(lengths, bytes, dst));
    }
}
