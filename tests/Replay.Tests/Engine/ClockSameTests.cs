using TraceTools.Replay.Clocks;

namespace TraceTools.Tests.Engine;

/// <summary><see cref="ClockKernels.SameExcept"/>: every kernel agrees with its scalar twin, on equal rows, on rows one component apart, and ignores the excepted component.</summary>
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
                int except = rng.Next(width);
                Assert.IsTrue(ClockKernels.SameExcept(simd, a, b, except), $"width {width}: equal rows");
                b[except] += 5;
                Assert.IsTrue(ClockKernels.SameExcept(simd, a, b, except), $"width {width}: only the excepted component {except} differs");
                int at = rng.Next(width);
                b[at] += (uint)rng.Next(1, 3);
                Assert.AreEqual(at != except, !ClockKernels.SameExcept(simd, a, b, except), $"width {width}: component {at} differs, {except} excepted");
                Assert.AreEqual(ClockKernels.SameExceptScalar(a, b, except), ClockKernels.SameExcept(simd, a, b, except));
            }
        }
    }
}
