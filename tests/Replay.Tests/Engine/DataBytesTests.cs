using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// <c>HasDataByte(from, to)</c>, which steps over regions and present words, against its byte-per-byte twin
/// (any <c>IsDataByte</c>) on random ranges over ram, sync, mmio, tables with the present word first or
/// inside the entry, gaps between regions, and the top of the address space.
/// </summary>
[TestClass]
public sealed class DataBytesTests
{
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void HasDataByte_RandomRanges_MatchesAnyIsDataByte(int seed)
    {
        var t = new TraceBuilder(Arch.Arm64).Cpu("cpu0").Device("dev");
        t.Ram("buf", 0x1000, 0x40).Sync("flag", 0x1040, 0x20).Table("first", 0x1080, 4, 16, 16, 0, "dev")
            .Table("inner", 0x1100, 4, 32, 16, 70, "dev").Mmio("reg", 0x1200, 0x10, "dev").Ram("high", ulong.MaxValue - 0x7f, 0x40).Sync("top", ulong.MaxValue - 0x3f, 0x40);
        var engine = DetectorRegistry.CreateEngine(t.Metadata(), new ReplayOptions());
        var rng = new Random(seed);
        int data = 0, none = 0;
        for (int trial = 0; trial < 4000; trial++)
        {
            bool top = rng.Next(8) == 0;
            ulong from = top ? ulong.MaxValue - (ulong)rng.Next(0xa0) : 0xfc0 + (ulong)rng.Next(0x280);
            ulong to = from + (ulong)rng.Next(1, 80);
            if (to < from) to = ulong.MaxValue; // the last byte of memory is left out of a range ending at 2^64
            bool expected = false;
            for (ulong a = from; a < to; a++) expected |= engine.IsDataByte(a);
            Assert.AreEqual(expected, engine.HasDataByte(from, to), $"[{from:x}, {to:x})");
            if (expected) data++;
            else none++;
        }
        Assert.IsGreaterThan(500, data);
        Assert.IsGreaterThan(500, none);
    }
}
