using TraceTools.Scenarios.Internals.Generation;

namespace TraceTools.Tests;

[TestClass]
public sealed class StorePatternTests
{
    public static IEnumerable<object[]> Cases()
    {
        var rng = new Random(20261121);
        for (int k = 0; k < 64; k++)
        {
            ulong address = (ulong)rng.NextInt64() & 0xFFFF_FFFF_FFFF;
            int size = k < 16 ? k + 1 : rng.Next(1, 4097);
            yield return new object[] { address + (ulong)(k & 7), size, (ulong)k + 1 };
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Fill_Swar_MatchesScalarTwinAndChangesEveryByte(ulong address, int size, ulong k)
    {
        ulong seed = StorePattern.Seed(k);
        var rng = new Random((int)k);
        var current = new byte[size];
        rng.NextBytes(current);
        // Plant the scalar pattern's bytes in half the positions so the equal-byte fix-up runs.
        var planted = (byte[])current.Clone();
        StorePattern.FillScalar(address, planted, seed);
        for (int i = 0; i < size; i += 2) current[i] = planted[i];

        var swar = (byte[])current.Clone();
        var scalar = (byte[])current.Clone();
        StorePattern.Fill(address, swar, seed);
        StorePattern.FillScalar(address, scalar, seed);
        CollectionAssert.AreEqual(scalar, swar);
        for (int i = 0; i < size; i++) Assert.AreNotEqual(current[i], swar[i], $"byte {i}");
    }

    [TestMethod]
    public void Fill_ZeroMemory_NeverWritesZero()
    {
        var data = new byte[4096];
        StorePattern.Fill(0x1000, data, StorePattern.Seed(1));
        CollectionAssert.DoesNotContain(data, (byte)0);
    }
}
