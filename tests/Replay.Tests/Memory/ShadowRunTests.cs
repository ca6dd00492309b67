using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Memory;

/// <summary>
/// The run scans and small-span helpers against naive element-by-element twins, on columns of runs of
/// every length around the scalar probe (1..40 elements) so both the probe and the vector path are hit.
/// </summary>
[TestClass]
public sealed class ShadowRunTests
{
    static ulong[] RandomRuns(Random rng, int length, int maxRun)
    {
        var column = new ulong[length];
        for (int k = 0; k < length;)
        {
            ulong v = (ulong)rng.Next(0, 3) == 0 ? 0 : (ulong)rng.NextInt64();
            int n = Math.Min(length - k, rng.Next(1, maxRun + 1));
            column.AsSpan(k, n).Fill(v);
            k += n;
        }
        return column;
    }

    static int NaiveRun(ulong[] a, ulong[]? b, int k, int end)
    {
        int j = k + 1;
        while (j < end && a[j] == a[k] && (b is null || b[j] == b[k])) j++;
        return j - k;
    }

    [TestMethod]
    [DataRow(1, 4)]
    [DataRow(2, 17)]
    [DataRow(3, 40)]
    [DataRow(4, 200)]
    public void Run_RandomRunColumns_MatchesNaiveScan(int seed, int maxRun)
    {
        var rng = new Random(seed);
        var a = RandomRuns(rng, 512, maxRun);
        var b = RandomRuns(rng, 512, maxRun);
        for (int trial = 0; trial < 2000; trial++)
        {
            int k = rng.Next(0, a.Length), end = rng.Next(k + 1, a.Length + 1);
            Assert.AreEqual(NaiveRun(a, b, k, end), ShadowPage.Run(a, b, k, end), $"two columns k={k} end={end}");
            Assert.AreEqual(NaiveRun(a, null, k, end), ShadowPage.Run(a, k, end), $"one column k={k} end={end}");
        }
    }

    [TestMethod]
    [DataRow(0, 1)]
    [DataRow(5, 8)]
    [DataRow(100, 16)]
    [DataRow(100, 17)]
    [DataRow(3, 300)]
    public void SmallSpans_FillClearCopy_TouchExactlyTheRange(int offset, int length)
    {
        var column = new ulong[512];
        column.AsSpan().Fill(7);
        SmallSpans.Fill(column, offset, length, 42UL);
        for (int k = 0; k < column.Length; k++)
            Assert.AreEqual(k >= offset && k < offset + length ? 42UL : 7UL, column[k], $"fill at {k}");
        SmallSpans.Clear(column, offset, length);
        for (int k = 0; k < column.Length; k++)
            Assert.AreEqual(k >= offset && k < offset + length ? 0UL : 7UL, column[k], $"clear at {k}");

        var source = new byte[length];
        new Random(offset + length).NextBytes(source);
        var bytes = new byte[512];
        SmallSpans.Copy(source, bytes.AsSpan(offset, length));
        CollectionAssert.AreEqual(source, bytes.AsSpan(offset, length).ToArray());
        Assert.AreEqual(-1, bytes.AsSpan(0, offset).IndexOfAnyExcept((byte)0), "bytes before the copy are untouched");
    }
}
