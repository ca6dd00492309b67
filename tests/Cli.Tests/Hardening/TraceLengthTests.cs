using System.Buffers.Binary;
using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// A trace whose footer counts more than 2^32 − 1 events (the replay's limit: local times are trace indices + 1 in 32
/// bits) is refused when <c>replay</c> and <c>export</c> open it, not four billion events later. A real trace that
/// long takes 13 GB, so these traces are forged: a real header, then the footer of as many 2^20-event chunks as the
/// count needs, their headers zeros (the footer checks at open; a chunk's bytes only when it is read). So a verb that
/// gets past the open and reads on fails at chunk 0 instead: that is how the tests tell the two apart.
/// </summary>
[TestClass]
public sealed class TraceLengthTests
{
    const long Limit = uint.MaxValue;

    [TestMethod]
    [DataRow("1")]
    [DataRow("2")]
    public void Replay_FooterCountsPastTheLimit_RefusedAtOpen(string threads)
    {
        using var s = new Scratch();
        var (trace, countAt) = Forge(s, Limit + 1);

        var (exit, output, err) = RepoPaths.Run("replay", trace, "--quiet", "--threads", threads);

        HardeningAsserts.OneLineError(exit, err,
            $"{trace}: byte offset {countAt} (footer): the trailer counts 4294967296 events; traces are limited to 2^32 - 1 events");
        Assert.Contains("nothing was replayed", err);
        Assert.AreEqual("", output, "no report");
    }

    [TestMethod]
    public void Replay_FooterCountsTheLimit_NotRefusedAtOpen()
    {
        using var s = new Scratch();
        var (trace, _) = Forge(s, Limit);

        var (exit, _, err) = RepoPaths.Run("replay", trace, "--quiet", "--threads", "1");

        // Past the open: the forged chunk 0 is what stops it.
        HardeningAsserts.OneLineError(exit, err, $"{trace}: byte offset ");
        Assert.Contains("(chunk 0)", err);
        Assert.DoesNotContain("limited to", err);
    }

    [TestMethod]
    public void ReplayDecodeOnly_FooterCountsPastTheLimit_Decodes()
    {
        using var s = new Scratch();
        var (trace, _) = Forge(s, Limit + 1);

        var (exit, _, err) = RepoPaths.Run("replay", trace, "--quiet", "--decode-only");

        // Decoding has no such limit: it reads on, to the forged chunk.
        HardeningAsserts.OneLineError(exit, err, "(chunk 0)");
    }

    [TestMethod]
    public void Export_WindowPastTheLimit_RefusedAtOpen()
    {
        using var s = new Scratch();
        var (trace, countAt) = Forge(s, 5_000_000_000);
        string json = s.Path("out.json");

        var (exit, _, err) = RepoPaths.Run("export", trace, "--format", "perfetto", "--quiet", "-o", json);

        HardeningAsserts.OneLineError(exit, err, $"{trace}: byte offset {countAt} (footer): the trailer counts 5000000000 events; traces are limited to 2^32 - 1 events");
        Assert.IsFalse(File.Exists(json), "nothing written");
    }

    [TestMethod]
    public void Export_WindowBeforeTheLimit_NotRefusedForTheLength()
    {
        using var s = new Scratch();
        var (trace, _) = Forge(s, 5_000_000_000);

        var (exit, _, err) = RepoPaths.Run("export", trace, "--format", "perfetto", "--quiet", "--count", "10", "-o", s.Path("out.json"));

        HardeningAsserts.OneLineError(exit, err, "(chunk 0)");
        Assert.DoesNotContain("limited to", err);
    }

    /// <summary>
    /// A trace of one agent and region whose footer lists <paramref name="events"/> events in chunks of 2^20 (the last
    /// one shorter); returns its path and the byte offset of the trailer's total-events field.
    /// </summary>
    static (string Path, long CountAt) Forge(Scratch s, long events)
    {
        string real = s.Path("real.trace");
        TraceFile.Write(real, new TraceMetadata
        {
            Arch = Arch.Arm64,
            Agents = [new("cpu0", AgentKind.Cpu)],
            Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
        }, new TraceWriterOptions(), sink => sink.Append(new TraceEvent(EventKind.Store, 0, 0x1000, 8), new byte[8]));
        byte[] header = File.ReadAllBytes(real);
        int dataStart = 20 + (int)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));

        const int ChunkHeader = 36, Entry = 20, Trailer = 32;
        long per = TraceWriterOptions.MaxChunkEvents;
        int chunks = (int)((events + per - 1) / per);
        long indexAt = dataStart + (long)chunks * ChunkHeader;
        var bytes = new byte[indexAt + 4 + (long)chunks * Entry + Trailer];
        header.AsSpan(0, dataStart).CopyTo(bytes);
        var index = bytes.AsSpan((int)indexAt, 4 + chunks * Entry);
        BinaryPrimitives.WriteUInt32LittleEndian(index, 0x58444954); // "TIDX"
        for (int k = 0; k < chunks; k++)
        {
            var e = index.Slice(4 + k * Entry, Entry);
            BinaryPrimitives.WriteInt64LittleEndian(e, dataStart + (long)k * ChunkHeader);
            BinaryPrimitives.WriteInt64LittleEndian(e[8..], k * per);
            BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)Math.Min(per, events - k * per));
        }
        var t = bytes.AsSpan(bytes.Length - Trailer);
        BinaryPrimitives.WriteUInt32LittleEndian(t, 0x444E4554); // "TEND"
        BinaryPrimitives.WriteUInt32LittleEndian(t[4..], (uint)chunks);
        BinaryPrimitives.WriteInt64LittleEndian(t[8..], indexAt);
        BinaryPrimitives.WriteInt64LittleEndian(t[16..], events);
        BinaryPrimitives.WriteUInt32LittleEndian(t[24..], TestCrc.Of(index));
        BinaryPrimitives.WriteUInt32LittleEndian(t[28..], TestCrc.Of(t[..28]));
        string path = s.Path("long.trace");
        File.WriteAllBytes(path, bytes);
        return (path, bytes.Length - Trailer + 16);
    }
}
