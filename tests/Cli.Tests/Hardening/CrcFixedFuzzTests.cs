using System.Buffers.Binary;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// Fixed-seed fuzzing of format v4 traces past their checksums: a byte of a codec-none chunk's columns, of the census
/// section's body, of the metadata, or a chunk header's count or first index is changed and every CRC over it is
/// recomputed, so the change reaches the column decode, the census and the replay engine instead of stopping at a
/// CRC. Replay (one, two and three threads), info and dump must exit 0, 1 or 2 with one clean line on a failure.
/// </summary>
/// <remarks>
/// <see cref="CliFuzzTests"/> mutates the bundled traces (format v1), where nearly every change fails a CRC first.
/// </remarks>
[TestClass]
public sealed class CrcFixedFuzzTests
{
    const int Seed = 41;
    const int Runs = 700;

    // Trace layout (docs/trace-format.md): header 20 bytes (metadata length at 12, its CRC at 16); chunk header 36
    // bytes (magic, count at 4, first index at 8, stored length at 20, codec at 24, stored CRC at 28, header CRC at
    // 32); the census section (magic, body length, body, CRC of all before it) after the last chunk.
    const uint ChunkMagic = 0x4B484354, CensusMagic = 0x53475054;

    [TestMethod]
    public void Fuzz_V4MutationsBehindFixedCrcs_CleanExitsOneLineErrors()
    {
        using var s = new Scratch();
        var traces = V4Traces(s);
        var rng = new Random(Seed);
        var reached = new int[4];
        int refused = 0;
        for (int run = 0; run < Runs; run++)
        {
            var (bytes, what, where) = Mutate(traces[rng.Next(traces.Length)], rng);
            reached[where]++;
            string trace = s.Path($"t{run}.trace");
            File.WriteAllBytes(trace, bytes);
            string[] args = (run % 6) switch
            {
                0 or 1 => ["replay", trace, "--threads", "1", "--quiet"],
                2 => ["replay", trace, "--threads", "2", "--all", "--quiet"],
                3 => ["replay", trace, "--threads", "3", "--format", "sarif", "--all"],
                4 => ["info", trace],
                _ => ["dump", trace],
            };
            if (CliFuzzTests.RunMeasured(args, $"run {run} ({args[0]}, {what})").Exit == 2) refused++;
        }
        // Every kind of mutation ran, or the layout walk no longer finds what it aims at; and some changed traces
        // still read (a value, an address, a census page the events do not need), so decode and replay ran on them.
        foreach (int n in reached) Assert.IsGreaterThan(Runs / 20, n, string.Join(", ", reached));
        Assert.IsGreaterThan(Runs / 20, refused, $"refused {refused} of {Runs}");
        Assert.IsGreaterThan(Runs / 20, Runs - refused, $"refused {refused} of {Runs}");
    }

    /// <summary>v4 traces of a sample of the bundled scenarios, codec none in chunks of 7 events, and a small driver mix.</summary>
    static byte[][] V4Traces(Scratch s)
    {
        var scenarios = Directory.GetFiles(RepoPaths.Samples, "*.scn").Order(StringComparer.Ordinal).Where((_, i) => i % 6 == 0);
        var traces = new List<byte[]>();
        foreach (string scn in scenarios)
        {
            string path = s.Path(Path.GetFileNameWithoutExtension(scn) + ".trace");
            var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", path, "--codec", "none", "--chunk-events", "7");
            Assert.AreEqual(0, exit, err);
            traces.Add(File.ReadAllBytes(path));
        }
        string mix = s.Path("mix.trace");
        var synth = RepoPaths.Run("synth", "--profile", "driver-mix", "--events", "3000", "--inject", "0.2", "-o", mix, "--quiet");
        Assert.AreEqual(0, synth.Exit, synth.Err);
        traces.Add(File.ReadAllBytes(mix));
        return [.. traces];
    }

    /// <summary>One change behind fixed CRCs; <c>Where</c>: 0 chunk columns, 1 census body, 2 chunk header, 3 metadata.</summary>
    static (byte[] Bytes, string What, int Where) Mutate(byte[] original, Random rng)
    {
        var b = (byte[])original.Clone();
        int metadata = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(12));
        var chunks = new List<int>();
        int at = 20 + metadata;
        while (at + 36 <= b.Length && U32(b, at) == ChunkMagic)
        {
            chunks.Add(at);
            at += 36 + (int)U32(b, at + 20);
        }
        int census = at + 12 <= b.Length && U32(b, at) == CensusMagic ? at : -1;
        var plain = chunks.Where(c => b[c + 24] == 0 && U32(b, c + 20) > 0).ToList();
        int kind = rng.Next(4);
        if (kind == 0 && plain.Count > 0)
        {
            int c = plain[rng.Next(plain.Count)], stored = (int)U32(b, c + 20);
            int pos = Poke(b, c + 36, stored, rng);
            Seal(b, c + 28, c + 36, stored);
            Seal(b, c + 32, c, 32);
            return (b, $"column byte {pos - c - 36} of the chunk at {c}", 0);
        }
        if (kind <= 1 && census >= 0 && U32(b, census + 4) > 0)
        {
            int body = (int)U32(b, census + 4);
            int pos = Poke(b, census + 8, body, rng);
            Seal(b, census + 8 + body, census, 8 + body);
            return (b, $"census byte {pos - census - 8}", 1);
        }
        if (kind <= 2 && chunks.Count > 0)
        {
            int c = chunks[rng.Next(chunks.Count)], field = rng.Next(2) == 0 ? 4 : 8;
            uint lie = rng.Next(4) switch { 0 => 0, 1 => uint.MaxValue, 2 => (uint)rng.Next(1 << 16), _ => U32(b, c + field) + (uint)rng.Next(-2, 3) };
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(c + field), lie);
            Seal(b, c + 32, c, 32);
            return (b, $"chunk at {c} field {field} = {lie}", 2);
        }
        int m = Poke(b, 20, metadata, rng);
        Seal(b, 16, 20, metadata);
        return (b, $"metadata byte {m - 20}", 3);
    }

    /// <summary>Changes one to six bytes of [from, from + length); returns the first one changed.</summary>
    static int Poke(byte[] b, int from, int length, Random rng)
    {
        int pos = from + rng.Next(length);
        switch (rng.Next(4))
        {
            case 0: b[pos] ^= (byte)(1 << rng.Next(8)); break;
            case 1: b[pos] = (byte)rng.Next(256); break;
            case 2: b[pos] = (byte)(rng.Next(4) switch { 0 => 0, 1 => 0xff, 2 => 0x80, _ => 0x7f }); break;
            default:
                for (int k = rng.Next(2, 7); k > 0; k--) b[from + rng.Next(length)] = (byte)rng.Next(256);
                break;
        }
        return pos;
    }

    /// <summary>Writes at <paramref name="crcAt"/> the CRC-32C of <paramref name="length"/> bytes from <paramref name="from"/>.</summary>
    static void Seal(byte[] b, int crcAt, int from, int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(crcAt), TestCrc.Of(b.AsSpan(from, length)));
    }

    static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
}
