using TraceTools.Replay.Clocks;

namespace TraceTools.Tests.Engine;

[TestClass]
public sealed class ClockKernelTests
{
    public static IEnumerable<object[]> Kernels => [[ClockSimd.Scalar], [ClockSimd.V256], [ClockSimd.V512]];

    [TestMethod]
    [DynamicData(nameof(Kernels))]
    public void ClockKernels_RandomClocks_MatchElementwiseMax(ClockSimd simd)
    {
        var rng = new Random(1234);
        foreach (int width in new[] { 16, 32, 48, 256 })
        {
            for (int round = 0; round < 50; round++)
            {
                var dst = new uint[width];
                var src = new uint[width];
                for (int i = 0; i < width; i++)
                {
                    // Values near the top of the range catch signed comparisons.
                    dst[i] = rng.Next(4) == 0 ? uint.MaxValue - (uint)rng.Next(3) : (uint)rng.Next();
                    src[i] = rng.Next(4) == 0 ? uint.MaxValue - (uint)rng.Next(3) : (uint)rng.Next();
                }
                var expected = dst.Zip(src, Math.Max).ToArray();
                ClockKernels.Join(simd, dst, src);
                CollectionAssert.AreEqual(expected, dst, $"width {width}, round {round}");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Kernels))]
    public void ClockKernels_VectorKernels_AgreeWithScalarTwin(ClockSimd simd)
    {
        var rng = new Random(99);
        var a = Enumerable.Range(0, 64).Select(_ => (uint)rng.Next()).ToArray();
        var b = Enumerable.Range(0, 64).Select(_ => (uint)rng.Next()).ToArray();
        var scalar = (uint[])a.Clone();
        ClockKernels.JoinScalar(scalar, b);
        ClockKernels.Join(simd, a, b);
        CollectionAssert.AreEqual(scalar, a);
    }

    /// <summary>Copy writes exactly one row: the components after it (the next row of a flat clock array) stay.</summary>
    [TestMethod]
    [DynamicData(nameof(Kernels))]
    public void ClockKernels_Copy_WritesTheRowOnly(ClockSimd simd)
    {
        foreach (int width in new[] { 16, 32, 48 })
        {
            var src = Enumerable.Range(1, width + 16).Select(i => (uint)i * 7919).ToArray();
            var dst = Enumerable.Repeat(0xdeadbeefu, width + 16).ToArray();
            ClockKernels.Copy(simd, dst.AsSpan(0, width), src);
            CollectionAssert.AreEqual(src[..width], dst[..width], $"width {width}");
            Assert.IsTrue(dst[width..].All(x => x == 0xdeadbeefu), $"width {width}: wrote past the row");
        }
    }

    [TestMethod]
    [DataRow(ClockSimd.V256)]
    [DataRow(ClockSimd.V512)]
    public void ClockKernels_WidthNotMultipleOfLanes_Throws(ClockSimd simd) =>
        Assert.ThrowsExactly<ArgumentException>(() => ClockKernels.Join(simd, new uint[12], new uint[12]));

    [TestMethod]
    [DataRow("scalar", ClockSimd.Scalar)]
    [DataRow("V256", ClockSimd.V256)]
    [DataRow("v512", ClockSimd.V512)]
    public void ClockSimdSelector_ForcedByName_Picks(string name, ClockSimd expected) =>
        Assert.AreEqual(expected, ClockSimdSelector.Pick(name));

    [TestMethod]
    [DataRow(1, 16)]
    [DataRow(16, 16)]
    [DataRow(17, 32)]
    public void ClockSimdSelector_Width_RoundsUpToLanes(int agents, int width) =>
        Assert.AreEqual(width, ClockSimdSelector.Width(agents));

    /// <summary>The one-row compare of a plain acquire: every kernel gives the scalar twin's lanes, ties and values near 2^32 included.</summary>
    [TestMethod]
    [DynamicData(nameof(Kernels))]
    public void ClockKernels_RaisedLanes_AgreeWithScalarTwin(ClockSimd simd)
    {
        var rng = new Random(4242);
        for (int round = 0; round < 500; round++)
        {
            uint Draw() => rng.Next(5) switch { 0 => uint.MaxValue - (uint)rng.Next(2), 1 => 0, _ => (uint)rng.Next(4) };
            var mine = Enumerable.Range(0, 16).Select(_ => Draw()).ToArray();
            var incoming = Enumerable.Range(0, 16).Select(_ => Draw()).ToArray();
            var loads = Enumerable.Range(0, 16).Select(_ => Draw()).ToArray();
            uint expected = 0;
            for (int i = 0; i < 16; i++)
                if (incoming[i] > mine[i] && incoming[i] > loads[i]) expected |= 1u << i;
            Assert.AreEqual(expected, ClockKernels.RaisedLanesScalar(mine, incoming, loads), $"round {round}: scalar");
            Assert.AreEqual(expected, ClockKernels.RaisedLanes(simd, mine, incoming, loads), $"round {round}: {simd}");
        }
    }

    /// <summary>A one-vector row (16 components) takes the inlined path: it must still join every lane, the top ones included.</summary>
    [TestMethod]
    [DynamicData(nameof(Kernels))]
    public void ClockKernels_JoinOneRow_JoinsEveryLane(ClockSimd simd)
    {
        for (int lane = 0; lane < 16; lane++)
        {
            var dst = new uint[16];
            var src = new uint[32]; // a longer source (the rest of a flat array) is read for the row only
            src[lane] = 7;
            src[16 + lane] = 9;
            ClockKernels.Join(simd, dst, src);
            Assert.AreEqual(7u, dst[lane], $"lane {lane}");
            Assert.AreEqual(7u, dst.Sum(x => (long)x), $"lane {lane}: other lanes changed");
        }
    }
}
