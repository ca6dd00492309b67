using TraceTools.TraceFormat;

namespace TraceTools.Tests.EndToEnd;

/// <summary>scenario → gen → dump → gen through the real binary files and verbs yields the same trace.</summary>
[TestClass]
public sealed class GenDumpRoundTripTests
{
    [TestMethod]
    [DynamicData(nameof(SampleCheckTests.Samples), typeof(SampleCheckTests))]
    public void GenDumpGen_Sample_SameMetadataAndEvents(string file)
    {
        string dir = Directory.CreateTempSubdirectory("tt-roundtrip").FullName;
        try
        {
            string first = Path.Combine(dir, "first.trace"), dumped = Path.Combine(dir, "dumped.scn"), second = Path.Combine(dir, "second.trace");
            var gen1 = RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, file), "-o", first, "--chunk-events", "7");
            Assert.AreEqual(0, gen1.Exit, gen1.Err);
            var dump = RepoPaths.Run("dump", first);
            Assert.AreEqual(0, dump.Exit, dump.Err);
            File.WriteAllText(dumped, dump.Out);
            var gen2 = RepoPaths.Run("gen", dumped, "-o", second, "--codec", "none");
            Assert.AreEqual(0, gen2.Exit, gen2.Err);

            var (m1, e1) = ReadAll(first);
            var (m2, e2) = ReadAll(second);
            Assert.AreEqual(m1.Arch, m2.Arch);
            CollectionAssert.AreEqual(m1.Agents.ToList(), m2.Agents.ToList());
            CollectionAssert.AreEqual(m1.Regions.ToList(), m2.Regions.ToList());
            Assert.AreEqual(e1.Count, e2.Count, "event count");
            for (int i = 0; i < e1.Count; i++)
            {
                // Lock and site ids are interned in first-use order, so compare them by name.
                var (a, b) = (e1[i], e2[i]);
                Assert.AreEqual(a with { Aux = 0, Site = -1 }, b with { Aux = 0, Site = -1 }, $"event {i}");
                Assert.AreEqual(Operand(m1, a), Operand(m2, b), $"event {i} operand");
                Assert.AreEqual(a.Site < 0 ? null : m1.Sites[a.Site], b.Site < 0 ? null : m2.Sites[b.Site], $"event {i} site");
                Assert.IsTrue(e1.GetData(i).SequenceEqual(e2.GetData(i)), $"event {i} bytes");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    static string Operand(TraceMetadata m, TraceEvent e) =>
        e.Kind is EventKind.Lock or EventKind.Unlock ? m.Locks[(int)e.Aux] : e.Aux.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static (TraceMetadata, EventBatch) ReadAll(string path)
    {
        using var reader = TraceReader.Open(path);
        var batch = new EventBatch();
        var all = new EventBatch();
        while (reader.ReadBatch(batch))
            for (int i = 0; i < batch.Count; i++) all.Append(batch[i], batch.GetData(i));
        return (reader.Metadata, all);
    }
}
