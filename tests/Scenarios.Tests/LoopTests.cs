using TraceTools.TraceFormat;

namespace TraceTools.Tests;

[TestClass]
public sealed class LoopTests
{
    const string H = "arch riscv64\ncpu c\ndevice d\nram buf 0x1000 size 0x1000\ntable t 0x8000 entries 8 entry_size 32 granule 8 present bit 0 fetcher d\n";

    [TestMethod]
    public void Repeat_Variable_CountsFromZero()
    {
        var b = Gen.Events(H + "repeat 3 as i {\nc: store buf + i * 8 size 8 = i + 100\n}\n");
        Assert.AreEqual(3, b.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(0x1000UL + (ulong)i * 8, b.Addresses[i]);
            Assert.AreEqual(100UL + (ulong)i, Gen.Value(b, i));
        }
    }

    [TestMethod]
    public void Repeat_Nested_RunsInnerPerOuterWithBothVariables()
    {
        var b = Gen.Events(H + "repeat 2 as i {\nrepeat 3 as j {\nd: fetch t[i] granule j\n}\nc: barrier fence.w.o\n}\n");
        Assert.AreEqual(8, b.Count);
        var expected = new (EventKind, ulong)[]
        {
            (EventKind.Fetch, 0x8000), (EventKind.Fetch, 0x8008), (EventKind.Fetch, 0x8010), (EventKind.Barrier, 0),
            (EventKind.Fetch, 0x8020), (EventKind.Fetch, 0x8028), (EventKind.Fetch, 0x8030), (EventKind.Barrier, 0),
        };
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.AreEqual(expected[k].Item1, b.Kinds[k], $"#{k}");
            Assert.AreEqual(expected[k].Item2, b.Addresses[k], $"#{k}");
        }
        Assert.AreEqual(BarrierCode.RiscvFence(BarrierCode.FenceW, BarrierCode.FenceO).Value, (ushort)b.Aux[3]);
    }

    [TestMethod]
    public void Repeat_InnerCountFromOuterVariable_IsTriangular()
    {
        var s = Gen.Compile(H + "repeat 5 as i {\nrepeat i as j {\nc: load buf + j size 1\n}\nc: barrier fence.rw.rw\n}\n");
        Assert.AreEqual(15, s.CountEvents());
        Assert.AreEqual(15, Gen.Events(s).Count);
    }

    [TestMethod]
    public void Repeat_ZeroTimes_EmitsNothing()
    {
        var s = Gen.Compile(H + "repeat 0 as i {\nc: store buf size 1\n}\n");
        Assert.AreEqual(0, s.CountEvents());
        Assert.AreEqual(0, Gen.Events(s).Count);
    }

    [TestMethod]
    public void Repeat_SequentialLoopsReuseName_Allowed()
    {
        var b = Gen.Events(H + "repeat 2 as i {\nc: load buf + i size 1\n}\nrepeat 2 as i {\nc: load buf + 8 + i size 1\n}\n");
        CollectionAssert.AreEqual(new ulong[] { 0x1000, 0x1001, 0x1008, 0x1009 }, b.Addresses.AsSpan(0, 4).ToArray());
    }

    [TestMethod]
    public void Repeat_CountFromLet_OverriddenBySet()
    {
        var s = Gen.Compile(H + "let n = 4\nrepeat n as i {\nc: load buf size 1\n}\n", new Dictionary<string, ulong> { ["n"] = 7 });
        Assert.AreEqual(7, s.CountEvents());
        Assert.AreEqual(7, Gen.Events(s).Count);
    }

    [TestMethod]
    public void CountEvents_HugeLoops_ComputedWithoutGenerating()
    {
        var s = Gen.Compile(H + "repeat 1 << 20 as i {\nrepeat 1 << 20 as j {\nc: writel_skip\n}\n}\n".Replace("c: writel_skip", "c: barrier fence.i.o", StringComparison.Ordinal));
        Assert.AreEqual(1L << 40, s.CountEvents());
    }

    [TestMethod]
    public void CountEvents_Overflowing_Saturates()
    {
        var s = Gen.Compile(H + "repeat 1 << 40 as i {\nrepeat 1 << 40 as j {\nc: barrier fence.i.o\n}\n}\n");
        Assert.AreEqual(long.MaxValue, s.CountEvents());
    }

    [TestMethod]
    public void CountEvents_WritelAndReadl_CountTwo()
    {
        var s = Gen.Compile("arch x86_64\ncpu c\ndevice d\nmmio r 0 size 8 device d\nrepeat 3 as i {\nc: writel r = i\nc: readq r\n}\n");
        Assert.AreEqual(12, s.CountEvents());
        Assert.AreEqual(12, Gen.Events(s).Count);
    }

    [TestMethod]
    public void Generate_TwiceOnOneCompilation_GivesIdenticalStreams()
    {
        var s = Gen.Compile(H + "repeat 4 as i {\nc: store buf + i size 16\nd: dma_read buf size 32\n}\n");
        var a = Gen.Events(s);
        var b = Gen.Events(s);
        Assert.AreEqual(a.Count, b.Count);
        CollectionAssert.AreEqual(a.Data.AsSpan(0, a.DataLength).ToArray(), b.Data.AsSpan(0, b.DataLength).ToArray());
    }
}
