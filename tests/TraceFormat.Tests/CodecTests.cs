using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

[TestClass]
public sealed class CodecTests
{
    [TestMethod]
    [DataRow(0UL, 1)]
    [DataRow(127UL, 1)]
    [DataRow(128UL, 2)]
    [DataRow(16383UL, 2)]
    [DataRow(16384UL, 3)]
    [DataRow(0xFFFF_FFFFUL, 5)]
    [DataRow((1UL << 56) - 1, 8)]
    [DataRow(1UL << 56, 9)]
    [DataRow(0x8000_0000_0000_0000UL, 10)]
    [DataRow(ulong.MaxValue, 10)]
    public void Varint_WriteThenRead_RoundTripsWithExpectedLength(ulong value, int length)
    {
        var buf = new byte[Varint.MaxLength + Varint.Padding];
        int w = 0;
        Varint.Write(buf, ref w, value);
        Assert.AreEqual(length, w);
        Assert.AreEqual(length, Varint.Length(value));
        var (fast, read) = Varint.Read(ref buf[0]);
        Assert.AreEqual(value, fast);
        Assert.AreEqual(length, read);
        int s = 0;
        Assert.IsTrue(Varint.TryRead(buf.AsSpan(0, w), ref s, out ulong safe));
        Assert.AreEqual(value, safe);
    }

    [TestMethod]
    [DataRow(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 }, DisplayName = "overflows 64 bits")]
    [DataRow(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, DisplayName = "11 bytes")]
    public void Varint_Malformed_IsRefused(byte[] bytes)
    {
        var buf = bytes.Concat(new byte[Varint.Padding]).ToArray();
        Assert.AreEqual(0, Varint.Read(ref buf[0]).Length);
        int p = 0;
        Assert.IsFalse(Varint.TryRead(bytes.AsSpan(), ref p, out _));
    }

    [TestMethod]
    public void Varint_BranchFreeRead_EqualsSafeReaderOnRandomStreams()
    {
        // Many values of mixed lengths back to back: the 8-byte loads see the next values' bytes.
        var rng = new Random(5);
        var buf = new byte[4000 * Varint.MaxLength + Varint.Padding];
        int w = 0;
        var values = new ulong[4000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (ulong)rng.NextInt64() >> rng.Next(64);
            Varint.Write(buf, ref w, values[i]);
        }
        int fast = 0, safe = 0;
        foreach (ulong expected in values)
        {
            var (v, len) = Varint.Read(ref buf[fast]);
            fast += len;
            Assert.IsTrue(Varint.TryRead(buf.AsSpan(0, w), ref safe, out ulong s));
            Assert.AreEqual(expected, v);
            Assert.AreEqual(expected, s);
            Assert.AreEqual(safe, fast);
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void Varint_BranchFreeWrite_EqualsByteLoopOnRandomValues(int seed)
    {
        // Values of every length 1..10, written back to back: each 8-byte store must leave exactly the
        // bytes the byte loop writes, and the scratch past its length must be overwritten by the next.
        var rng = new Random(seed);
        var fast = new byte[4000 * Varint.MaxLength + Varint.Padding];
        var slow = new byte[fast.Length];
        int f = 0, s = 0;
        for (int i = 0; i < 4000; i++)
        {
            ulong v = (ulong)rng.NextInt64() >> rng.Next(64);
            if (i % 7 == 0) v |= 1UL << 63;
            if (i % 5 == 0) v &= 0x7F;
            int lf = i % 2 == 0 ? Varint.WriteUnchecked(ref fast[f], v) : Varint.WriteUncheckedMostlySmall(ref fast[f], v);
            int ls = Varint.WriteLong(ref slow[s], v);
            Assert.AreEqual(ls, lf, $"length of 0x{v:x}");
            Assert.AreEqual(Varint.Length(v), lf, $"Length(0x{v:x})");
            f += lf;
            s += ls;
        }
        CollectionAssert.AreEqual(slow.AsSpan(0, s).ToArray(), fast.AsSpan(0, f).ToArray());
    }

    [TestMethod]
    public void Varint_CutOff_SafeReaderRefuses()
    {
        int p = 0;
        Assert.IsFalse(Varint.TryRead(new byte[] { 0x80, 0x80 }.AsSpan(), ref p, out _));
    }

    [TestMethod]
    [DataRow(0L, 0UL)]
    [DataRow(-1L, 1UL)]
    [DataRow(1L, 2UL)]
    [DataRow(-2L, 3UL)]
    [DataRow(long.MaxValue, ulong.MaxValue - 1)]
    [DataRow(long.MinValue, ulong.MaxValue)]
    public void ZigZag_Maps_SmallMagnitudesToSmallCodes(long value, ulong code)
    {
        Assert.AreEqual(code, Varint.ZigZag(value));
        Assert.AreEqual(value, Varint.UnZigZag(code));
    }

    [TestMethod]
    public void Crc32C_CheckValue_MatchesStandard()
    {
        // The CRC-32C check value of "123456789" (RFC 3720 / the CRC catalogue).
        Assert.AreEqual(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(7)]
    [DataRow(8)]
    [DataRow(9)]
    [DataRow(1000)]
    public void Crc32C_Fast_EqualsBitwiseTwin(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        Assert.AreEqual(Crc32C.ComputeReference(data), Crc32C.Compute(data));
    }

    [TestMethod]
    [DataRow(1, false)]
    [DataRow(1000, true)]
    [DataRow(1 << 20, true)]
    [DataRow(5000, false)]
    public void Lz4_CompressDecompress_RoundTrips(int length, bool repetitive)
    {
        var data = new byte[length];
        var rng = new Random(length);
        if (repetitive) for (int i = 0; i < length; i++) data[i] = (byte)(i % 13 * (i / 4096 % 3));
        else rng.NextBytes(data);
        var packed = new byte[Lz4Native.CompressBound(length)];
        int n = Lz4Native.Compress(data, packed);
        if (repetitive) Assert.IsLessThan(length / 4, n);
        var back = new byte[length];
        Assert.IsTrue(Lz4Native.TryDecompress(packed.AsSpan(0, n), back));
        CollectionAssert.AreEqual(data, back);
    }

    [TestMethod]
    [DataRow(1 << 16)]
    [DataRow(16 << 20)]
    public void Lz4_Zeros_StayWithinTheRatioTheReaderAccepts(int length)
    {
        // The reader refuses raw > 255 × stored before allocating; the most compressible input must pass.
        var data = new byte[length];
        var packed = new byte[Lz4Native.CompressBound(length)];
        int n = Lz4Native.Compress(data, packed);
        Assert.IsLessThanOrEqualTo(255L * n, (long)length);
    }

    [TestMethod]
    public void Lz4_WrongDeclaredLength_IsRefused()
    {
        var data = new byte[4000];
        var packed = new byte[Lz4Native.CompressBound(data.Length)];
        int n = Lz4Native.Compress(data, packed);
        Assert.IsFalse(Lz4Native.TryDecompress(packed.AsSpan(0, n), new byte[3999]));
        Assert.IsFalse(Lz4Native.TryDecompress(packed.AsSpan(0, n), new byte[4001]));
        Assert.IsFalse(Lz4Native.TryDecompress(packed.AsSpan(0, n - 1), new byte[4000]));
    }

    [TestMethod]
    public void KindByte_Table_AcceptsExactlyWhatTheWriterProduces()
    {
        int valid = 0;
        for (int b = 0; b < 256; b++)
        {
            var kind = (EventKind)(b & 0xF);
            bool data = (b & 0x10) != 0;
            bool expected = (!data || kind.MayCarryData() || kind.MustCarryData()) && (data || !kind.MustCarryData())
                && (b >> 6 == 0 || kind.HasAddress());
            Assert.AreEqual(expected, KindByte.Table[b] != 0, $"kind byte 0x{b:x2}");
            if (expected) valid++;
        }
        Assert.IsGreaterThan(16, valid);
    }
}
