using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary><see cref="UsedBits.Field"/> reads the bytes holding a field; held to the bit-by-bit definition.</summary>
[TestClass]
public sealed class UsedBitsFieldTests
{
    /// <summary>The field's bits, high to low, one at a time (what the model says a field is).</summary>
    static ulong BitByBit(ReadOnlySpan<byte> entry, EntryBits f)
    {
        ulong v = 0;
        for (uint b = f.High; ; b--)
        {
            v = (v << 1) | (uint)((entry[(int)(b >> 3)] >> (int)(b & 7)) & 1);
            if (b == f.Low) return v;
        }
    }

    [TestMethod]
    public void Field_EveryWidthAndOffsetOfRandomEntries_AsBitByBit()
    {
        var random = new Random(91);
        foreach (int length in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 64 })
        {
            var entry = new byte[length];
            for (int round = 0; round < 8; round++)
            {
                random.NextBytes(entry);
                int bits = 8 * length;
                for (uint low = 0; low < bits; low++)
                    for (uint width = 1; width <= 64 && low + width <= bits; width++)
                    {
                        var f = new EntryBits(low, low + width - 1);
                        Assert.AreEqual(BitByBit(entry, f), UsedBits.Field(entry, f), $"entry of {length} bytes, bits {f.High}:{f.Low}");
                    }
            }
        }
    }

    [TestMethod]
    public void Field_WiderThan64_KeepsTheLow64Bits()
    {
        var entry = new byte[32];
        new Random(92).NextBytes(entry);
        var f = new EntryBits(3, 200);
        Assert.AreEqual(BitByBit(entry, f), UsedBits.Field(entry, f));
    }
}
