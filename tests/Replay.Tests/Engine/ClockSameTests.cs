using TraceTools.Replay.Clocks;

namespace TraceTools.Tests.Engine;

/// <summary><see cref="ClockKernels.Same"/>: every kernel agrees with its scalar twin, on equal rows and on rows one component apart.</summary>
[TestClass]
public sealed class ClockSameTests
{
    [TestMethod]
    [DataRow(ClockSimd.Scalar)]
    [DataRow(ClockSimd.V256)]
    [DataRow(ClockSimd.V512)]
    public void Same_RandomRows_AgreesWithScalarTwin(ClockSimd simd)
    {
        var rng = new Random(17);
        foreach (int width in new[] { 16, 32, 48 })
        {
            for (int round = 0; round < 200; round++)
            {
                var a = Enumerable.Range(0, width).Select(_ => (uint)rng.Next(0, 4)).ToArray();
                var b = (uint[])a.Clone();
                Assert.IsTrue(ClockKernels.Same(simd, a, b), $"width {width}: equal rows");
                int at = rng.Next(width);
                b[at] += (uint)rng.Next(1, 3);
                Assert.IsFalse(ClockKernels.Same(simd, a, b), $"width {width}: component {at} differs");
                Assert.AreEqual(ClockKernels.SameScalar(a, b), ClockKernels.Same(simd, a, b));
            }
        }
    }
}
