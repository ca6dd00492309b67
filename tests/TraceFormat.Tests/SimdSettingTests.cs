using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary><c>TRACETOOLS_SIMD</c> selects the decode's scalar twins in any case, as the replay's kernels read it.</summary>
[TestClass]
public sealed class SimdSettingTests
{
    [TestMethod]
    [DataRow("scalar", true)]
    [DataRow("SCALAR", true)]
    [DataRow("Scalar", true)]
    [DataRow("v512", false)]
    [DataRow("", false)]
    [DataRow(null, false)]
    [DataRow(" scalar", false)]
    public void AsksForScalar_Value_AnyCaseOfScalarOnly(string? value, bool expected) =>
        Assert.AreEqual(expected, SimdSetting.AsksForScalar(value));
}
