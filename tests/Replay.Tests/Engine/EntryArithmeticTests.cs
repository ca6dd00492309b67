using TraceTools.Replay;

namespace TraceTools.Tests.Engine;

/// <summary>The entry path's shift-for-division against the division it replaces.</summary>
[TestClass]
public sealed class EntryArithmeticTests
{
    [TestMethod]
    public void Over_AnySize_EqualsDivision()
    {
        var rng = new Random(31);
        ulong[] sizes = [1, 2, 3, 8, 12, 16, 24, 64, 96, 4096, 1UL << 40, ulong.MaxValue];
        foreach (ulong d in sizes)
        {
            for (int i = 0; i < 200; i++)
            {
                ulong x = i < 3 ? (ulong)i * ulong.MaxValue / 2 : (ulong)rng.NextInt64() * (ulong)(1 + rng.Next(3));
                Assert.AreEqual(x / d, ReplayEngine.Over(x, d), $"{x} / {d}");
            }
        }
    }
}
