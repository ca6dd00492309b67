using TraceTools.Cli.Files;

namespace TraceTools.Tests.Hardening;

/// <summary>The free-space refusal's amounts read as numbers of at least two digits, whatever the size.</summary>
[TestClass]
public sealed class DiskSpaceTests
{
    [TestMethod]
    [DataRow(0L, "0 bytes")]
    [DataRow(10_239L, "10239 bytes")]
    [DataRow(10_240L, "10 KiB")]
    [DataRow(200_000L, "195 KiB")]
    [DataRow(10L << 20, "10 MiB")]
    [DataRow((10L << 30) - 1, "10239 MiB")]
    [DataRow(10L << 30, "10 GiB")]
    public void Amount_EachSize_InItsUnit(long bytes, string shown) => Assert.AreEqual(shown, DiskSpace.Amount(bytes));
}
