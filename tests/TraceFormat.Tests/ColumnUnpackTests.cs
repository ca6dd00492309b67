using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

[TestClass]
public sealed class ColumnUnpackTests
{
    // Lengths around every vector width (16, 32) and their multiples, so each tail path runs.
    public static IEnumerable<object[]> Lengths() =>
        new[] { 0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000 }.Select(n => new object[] { n });

    [TestMethod]
    [DynamicData(nameof(Lengths))]
    public void Agents_VectorPath_EqualsScalarTwin(int length)
    {
        var src = new byte[length];
        new Random(length + 1).NextBytes(src);
        var scalar = new ushort[length + 3];
        var vector = new ushort[length + 3];
        ColumnUnpack.AgentsScalar(src, scalar);
        ColumnUnpack.AgentsVector(src, vector);
        CollectionAssert.AreEqual(scalar, vector);
        CollectionAssert.AreEqual(src.Select(b => (ushort)b).ToArray(), scalar.Take(length).ToArray());
    }
}
