using System.Text;
using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;

namespace TraceTools.Tests;

/// <summary>
/// The header's sites read as one block of bytes (<see cref="SiteTexts"/>): the checks on the bytes against the checks
/// the reader made on strings before (a literal reference here), the first problem in file order reported at its
/// offset whatever batch it falls in, and the strings read back.
/// </summary>
[TestClass]
public sealed class SiteTextsTests
{
    [TestMethod]
    public void HasControl_EveryScalarValue_SameAsCharIsControl()
    {
        Span<byte> utf8 = stackalloc byte[8];
        for (int c = 0; c <= 0x10FFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            string text = "a" + char.ConvertFromUtf32(c) + "b";
            int n = Encoding.UTF8.GetBytes(text, utf8);
            bool expected = text.Any(char.IsControl);
            if (SiteTexts.HasControl(utf8[..n]) != expected) Assert.Fail($"U+{c:X4}: expected {expected}");
        }
    }

    [TestMethod]
    public void HasControl_EveryControlAloneFirstAndLast_Found()
    {
        // The scalar sweep puts each character between two others; a site may also start or end with a control.
        foreach (char c in Enumerable.Range(0, 0xA0).Select(i => (char)i).Where(char.IsControl))
            foreach (string text in new[] { $"{c}", $"{c}drv.c:12", $"drv.c:12{c}" })
                Assert.IsTrue(SiteTexts.HasControl(Encoding.UTF8.GetBytes(text)), $"U+{(int)c:X4} in '{text}'");
        Assert.IsFalse(SiteTexts.HasControl(Encoding.UTF8.GetBytes("\u00a0drv.c:12\u00a0")));
    }

    [TestMethod]
    public void HasControl_C1AfterAnotherTwoByteCharacter_Found()
    {
        // é is C3 A9; the C1 control U+0085 is C2 85: found past other C2 lead bytes (U+00A0 is C2 A0, no control).
        Assert.IsTrue(SiteTexts.HasControl(Encoding.UTF8.GetBytes("é\u00a0x\u00a0\u0085")));
        Assert.IsFalse(SiteTexts.HasControl(Encoding.UTF8.GetBytes("é\u00a0x\u00a0\u00ff")));
    }

    [TestMethod]
    public void Indexer_TheWrittenStrings_MadeOnceEach()
    {
        string[] sites = ["drv.c:12", "é→𝔸", "", "x"];
        var m = new TraceMetadata { Name = "s", Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], Sites = sites };
        var read = MetadataCodec.Decode(MetadataCodec.Encode(m), "t", 0).Sites;

        Assert.IsInstanceOfType<SiteTexts>(read);
        CollectionAssert.AreEqual(sites, read.ToArray());
        Assert.AreSame(read[1], read[1]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => read[4]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => read[-1]);
    }

    [TestMethod]
    public void Decode_ManyDistinctSites_NoneTakenForAnother()
    {
        // A probe compares a site's bytes only when the 11 hash bits beside a slot's index agree: among 300,000 sites
        // some 30 probes (the hash is seeded per process) meet another site with those bits equal: not a site interned twice.
        string[] sites = [.. Enumerable.Range(0, 300_000).Select(i => $"drv.c:{i}")];
        var m = new TraceMetadata { Name = "s", Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [], Sites = sites };

        var read = MetadataCodec.Decode(MetadataCodec.Encode(m), "t", 0).Sites;

        Assert.HasCount(sites.Length, read);
        Assert.AreEqual(sites[^1], read[^1]);
    }

    enum Fault { None, Duplicate, Control, BadUtf8, TooLong, PastEnd }

    /// <summary>A header block whose site list is <paramref name="sites"/> as raw entries (length varint, bytes).</summary>
    static byte[] Block(List<byte[]> sites, bool cutAfterLast)
    {
        var m = new TraceMetadata { Name = "s", Arch = Arch.Arm64, Agents = [new("cpu0", AgentKind.Cpu)], Regions = [] };
        var head = MetadataCodec.Encode(m);
        // Encode ends with the site count (0) and the end tag (2 bytes): the site list goes in their place.
        var block = new List<byte>(head[..^3]);
        AddVarint(block, (ulong)sites.Count);
        foreach (var s in sites) block.AddRange(s);
        if (!cutAfterLast) block.AddRange([0, 0]);
        return [.. block];
    }

    static void AddVarint(List<byte> to, ulong v)
    {
        for (; v >= 0x80; v >>= 7) to.Add((byte)(v | 0x80));
        to.Add((byte)v);
    }

    static byte[] Entry(byte[] bytes, int? length = null)
    {
        var e = new List<byte>();
        AddVarint(e, (ulong)(length ?? bytes.Length));
        e.AddRange(bytes);
        return [.. e];
    }

    /// <summary>The reader before SiteTexts, literally: each site in turn made a string, checked, and added to a set.</summary>
    static (Fault Fault, int Site) Reference(List<(byte[] Bytes, int? Length)> sites)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < sites.Count; i++)
        {
            var (bytes, length) = sites[i];
            if (length is > TraceLimits.MaxStringBytes) return (Fault.TooLong, i);
            if (length is not null) return (Fault.PastEnd, i);
            if (!System.Text.Unicode.Utf8.IsValid(bytes)) return (Fault.BadUtf8, i);
            string s = Encoding.UTF8.GetString(bytes);
            if (MetadataRules.CheckText("site", s) is not null) return (Fault.Control, i);
            if (!seen.Add(s)) return (Fault.Duplicate, i);
        }
        return (Fault.None, -1);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(4)]
    public void Decode_RandomListsWithFaults_FirstInFileOrderAtItsOffset(int seed)
    {
        var rng = new Random(seed);
        for (int round = 0; round < 400; round++)
        {
            int count = rng.Next(1, 80);
            var sites = new List<(byte[] Bytes, int? Length)>();
            for (int i = 0; i < count; i++) sites.Add((Encoding.UTF8.GetBytes($"site{i}:" + new string('é', rng.Next(0, 3))), null));
            // One to three faults anywhere, the last entry possibly cut short of its bytes.
            for (int f = rng.Next(1, 4); f > 0; f--)
            {
                int at = rng.Next(count);
                sites[at] = rng.Next(5) switch
                {
                    0 => (sites[rng.Next(count)].Bytes, null),
                    1 => ([.. sites[at].Bytes, (byte)rng.Next(0, 0x20)], null),
                    2 => ([.. sites[at].Bytes, 0xC2, 0x85], null),
                    3 => ([.. sites[at].Bytes, 0xFF], null),
                    _ => (sites[at].Bytes, TraceLimits.MaxStringBytes + 1),
                };
            }
            bool cut = rng.Next(4) == 0;
            if (cut) sites[^1] = (sites[^1].Bytes, sites[^1].Bytes.Length + 5);
            var (fault, site) = Reference(sites);
            // Entries after a length that runs past the end are never reached: write none.
            var entries = sites.Select(s => Entry(s.Bytes, s.Length)).ToList();
            var block = Block(entries, cut);
            int siteStart = block.Length - entries.Sum(e => e.Length) - (cut ? 0 : 2);
            long offset = siteStart + entries.Take(Math.Max(site, 0)).Sum(e => e.Length);

            try
            {
                var read = MetadataCodec.Decode(block, "t", 0).Sites;
                Assert.AreEqual(Fault.None, fault, $"round {round}: expected {fault} at site {site}");
                CollectionAssert.AreEqual(sites.Select(s => Encoding.UTF8.GetString(s.Bytes)).ToArray(), read.ToArray());
            }
            catch (TraceFormatException e) when (fault != Fault.None)
            {
                string expected = fault switch
                {
                    Fault.Duplicate => "is interned twice",
                    Fault.Control => "holds control character",
                    Fault.BadUtf8 => "not valid UTF-8",
                    Fault.TooLong => "(at most 4096)",
                    _ => "runs past the metadata's end",
                };
                StringAssert.Contains(e.Problem, expected, $"round {round}, site {site}");
                // A bad UTF-8 error points at the bytes after the length; the others at the site's length.
                long at = fault == Fault.BadUtf8 ? offset + Entry(sites[site].Bytes).Length - sites[site].Bytes.Length : offset;
                Assert.AreEqual(at, e.ByteOffset, $"round {round}: {fault} at site {site}: {e.Message}");
            }
        }
    }
}
