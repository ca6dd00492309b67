using TraceTools.Tests.EndToEnd;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// With a decode thread, small chunks reach the replay merged into one batch (<c>ChunkRun</c>): an error must still
/// name the chunk, and be the same error, that one thread replaying chunk by chunk gives.
/// </summary>
[TestClass]
public sealed class MergedChunkErrorTests
{
    static readonly TraceMetadata Layout = new()
    {
        Arch = Arch.Arm64,
        Agents = [new("cpu0", AgentKind.Cpu)],
        Regions = [new RegionInfo { Name = "buf", Kind = RegionKind.Ram, Base = 0x1000, Size = 0x100 }],
    };

    const int ChunkEvents = 3;

    /// <summary>An event only the engine refuses: a return with no open firmware call.</summary>
    static readonly TraceEvent StrayReturn = new(EventKind.FirmwareReturn, 0, 0, EventKinds.RegisterBytes);

    /// <summary>An event the check refuses.</summary>
    static readonly TraceEvent OutsideRegions = new(EventKind.Store, 0, 0x9000, 8);

    /// <summary>Good stores in 3-event chunks, with <paramref name="events"/> placed at their trace indices.</summary>
    static string Trace(Scratch s, int count, params (int Index, TraceEvent Event)[] events)
    {
        string path = s.Path("merged.trace");
        var at = events.ToDictionary(e => e.Index, e => e.Event);
        TraceFile.Write(path, Layout, new TraceWriterOptions { ChunkEvents = ChunkEvents }, sink =>
        {
            for (int i = 0; i < count; i++)
            {
                var e = at.TryGetValue(i, out var special) ? special : new TraceEvent(EventKind.Store, 0, 0x1000 + (ulong)(i % 32) * 8, 8);
                sink.Append(e, e.Kind.MustCarryData() ? new byte[e.Size] : default);
            }
        });
        return path;
    }

    /// <summary>The error of <c>replay --threads 1</c>, which must name <paramref name="expected"/>; <c>--threads 2</c> and 3 print the same line.</summary>
    static void SameLineForEveryThreadCount(string trace, string expected)
    {
        var one = RepoPaths.Run("replay", trace, "--quiet", "--threads", "1");
        HardeningAsserts.OneLineError(one.Exit, one.Err, expected);
        foreach (var threads in new[] { "2", "3" })
        {
            var (exit, _, err) = RepoPaths.Run("replay", trace, "--quiet", "--threads", threads);
            Assert.AreEqual(2, exit, err);
            Assert.AreEqual(one.Err, err, $"--threads {threads}");
        }
    }

    [TestMethod]
    [DataRow(121)] // chunk 40, its second event
    [DataRow(1499)] // chunk 499, its last event: past the first batch of merged chunks
    public void Replay_CheckRefusesAnEventDeepInSmallChunks_ItsChunkNamed(int index)
    {
        using var s = new Scratch();
        string trace = Trace(s, 3000, (index, OutsideRegions));

        SameLineForEveryThreadCount(trace, $"{trace}: chunk {index / ChunkEvents}, event #{index}: store 0x9000 size 8 is outside every region");
    }

    [TestMethod]
    public void Replay_OnlyTheEngineRefuses_ItsChunkNamed()
    {
        using var s = new Scratch();
        string trace = Trace(s, 3000, (301, StrayReturn));

        SameLineForEveryThreadCount(trace, $"{trace}: chunk 100, event #301: ret on cpu0 with no open smc/hvc call");
    }

    /// <summary>
    /// The engine refuses the last event of chunk 100 and the check the first of chunk 101, both in one merged batch:
    /// one chunk at a time, the engine's refusal comes first (the check never sees chunk 101).
    /// </summary>
    [TestMethod]
    public void Replay_EngineRefusesAChunkTheCheckPasses_NextChunksCheckNotReported()
    {
        using var s = new Scratch();
        string trace = Trace(s, 3000, (302, StrayReturn), (303, OutsideRegions));

        SameLineForEveryThreadCount(trace, $"{trace}: chunk 100, event #302: ret on cpu0 with no open smc/hvc call");
    }

    /// <summary>A chunk whose checksum fails deep in a trace of small chunks: the reader's line, whatever the threads.</summary>
    [TestMethod]
    public void Replay_CorruptChunkDeepInSmallChunks_SameLine()
    {
        using var s = new Scratch();
        string trace = Trace(s, 3000);
        Corrupt(trace, chunk: 250);

        SameLineForEveryThreadCount(trace, "chunk 250");
    }

    /// <summary>
    /// The engine refuses an event of chunk 100 and chunk 102 is corrupt, so the decode thread's run of merged chunks
    /// stops at a read failure after the refused event: the refusal, as one thread gives it, not the read failure.
    /// </summary>
    [TestMethod]
    public void Replay_RefusalBeforeACorruptChunk_RefusalReported()
    {
        using var s = new Scratch();
        string trace = Trace(s, 3000, (301, StrayReturn));
        Corrupt(trace, chunk: 102);

        SameLineForEveryThreadCount(trace, $"{trace}: chunk 100, event #301: ret on cpu0 with no open smc/hvc call");
    }

    /// <summary>Flips a byte of chunk <paramref name="chunk"/>'s stored payload (its offset from the footer's index), so its checksum fails.</summary>
    static void Corrupt(string trace, int chunk)
    {
        byte[] bytes = File.ReadAllBytes(trace);
        int trailer = bytes.Length - 32;
        long index = BitConverter.ToInt64(bytes, trailer + 8);
        long offset = BitConverter.ToInt64(bytes, (int)index + 4 + chunk * 20);
        bytes[offset + 36 + 2] ^= 0x5a;
        File.WriteAllBytes(trace, bytes);
    }
}
