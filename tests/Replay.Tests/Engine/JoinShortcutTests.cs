using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Findings;
using TraceTools.Replay.HappensBefore;
using TraceTools.Scenarios.Synth;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The acquire shortcuts (an own release, a release acquired last time, a release whose time the acquirer's HB
/// already holds) must leave every clock row exactly as the full joins leave it: two engines replay the same
/// driver mix event by event, one with <see cref="HbState.JoinShortcuts"/> off, and all their rows are compared
/// after every event. A shortcut that skips a join which would have changed a row fails here even when no
/// finding shows it (a device's own OB components, which a doorbell lowers, never reach a report).
/// </summary>
[TestClass]
public sealed class JoinShortcutTests
{
    const long Events = 6_000;

    /// <summary>What the engines keep: everything, OB without the cache row (no cache detector), HB only.</summary>
    public enum Kept { All, ObWithoutCache, HbOnly }

    public static IEnumerable<object[]> Cases =>
        from arch in new[] { Arch.Arm64, Arch.Riscv64, Arch.X86_64 }
        from kept in new[] { Kept.All, Kept.ObWithoutCache, Kept.HbOnly }
        select new object[] { arch, kept };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Replay_ShortcutsOnAndOff_SameClockRowsAfterEveryEvent(Arch arch, Kept kept)
    {
        var (generator, events, _) = Synthesize.Record(arch, seed: 7, Events, inject: 0.05);
        // hb only (dma-race): no OB, LOADS or edge log, where a covered release is not even addressed.
        var detectors = kept switch
        {
            Kept.HbOnly => new HashSet<FindingKind> { FindingKind.DmaRace },
            Kept.ObWithoutCache => new HashSet<FindingKind> { FindingKind.StaleDmaRead, FindingKind.PresentBeforePayload },
            _ => null,
        };
        bool hbOnly = kept == Kept.HbOnly;
        var batch = new EventBatch(1);
        var (shortcuts, obShortcuts) = Lockstep(generator.Metadata, detectors, events.Select((e, i) =>
        {
            batch.Reset(i);
            batch.Append(e.Event, e.Data);
            return batch;
        }), $"{arch.Name()} {kept}");
        Assert.IsTrue(shortcuts > 100, $"the trace exercises the shortcuts ({shortcuts})");
        if (!hbOnly) Assert.IsTrue(obShortcuts > 100, $"the trace exercises the OB shortcut ({obShortcuts})");
    }

    /// <summary>
    /// A device re-reads a flag after a doorbell: the doorbell lowered the device's own OB components, which the
    /// flag's release raises again (it carries the device's store that the cpu had acquired before publishing),
    /// so the second read is no "same release again" to skip.
    /// </summary>
    [TestMethod]
    public void DmaRead_SameReleaseAfterDoorbell_JoinsAgain()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64);
        t.DmaWrite("dev", t.At("flag", 8), 4);
        t.Load("cpu0", t.At("flag", 8), 4);
        t.Store("cpu0", t.At("flag"), 4);
        t.DmaRead("dev", t.At("flag"), 4);
        t.Writel("cpu0", t.At("reg"), 1);
        t.DmaRead("dev", t.At("flag"), 4);
        Lockstep(t.Metadata(), null, t.Batches(1), "doorbell between two reads");
    }

    /// <summary>Replays <paramref name="batches"/> on two engines, shortcuts on and off, comparing every row after each batch; returns the shortcuts taken.</summary>
    static (long Hb, long Ob) Lockstep(TraceMetadata metadata, IReadOnlySet<FindingKind>? detectors, IEnumerable<EventBatch> batches, string what)
    {
        var fast = Lockstep(metadata, detectors, batches, what, full => full.JoinShortcuts = false);
        return (fast.ShortcutCount, fast.ObShortcutCount);
    }

    /// <summary>
    /// Replays <paramref name="batches"/> on two engines, the second one's hb state changed by <paramref name="plain"/>
    /// (a shortcut or a saving turned off) and each one's options by <paramref name="fastOptions"/> and
    /// <paramref name="plainOptions"/>, comparing every row after each batch and the findings at the end; returns the
    /// first engine's hb state.
    /// </summary>
    internal static HbState Lockstep(TraceMetadata metadata, IReadOnlySet<FindingKind>? detectors, IEnumerable<EventBatch> batches, string what,
        Action<HbState> plain, Func<ReplayOptions, ReplayOptions>? fastOptions = null, Func<ReplayOptions, ReplayOptions>? plainOptions = null)
    {
        var options = new ReplayOptions { Detectors = detectors };
        using var fast = DetectorRegistry.CreateEngine(metadata, fastOptions?.Invoke(options) ?? options);
        using var full = DetectorRegistry.CreateEngine(metadata, plainOptions?.Invoke(options) ?? options);
        plain(full.Hb);
        foreach (var batch in batches)
        {
            fast.Process(batch);
            full.Process(batch);
            string? differs = FirstDifference(fast.Hb, full.Hb);
            if (differs is not null) Assert.Fail($"{what}: after event #{batch.FirstIndex + batch.Count - 1} {differs}");
        }
        if (!full.Hb.JoinShortcuts) Assert.AreEqual(0, full.Hb.ShortcutCount, "shortcuts off take none");
        CollectionAssert.AreEqual(full.Complete().Select(f => f.ToString()).ToList(), fast.Complete().Select(f => f.ToString()).ToList(), what);
        return fast.Hb;
    }

    /// <summary>The first clock row that differs (own components included: the shortcuts skip no lazy write), or null.</summary>
    static string? FirstDifference(HbState a, HbState b)
    {
        (string Name, uint[] A, uint[] B)[] rows =
        [
            ("HB", a.Hb, b.Hb), ("ObStore", a.ObStore, b.ObStore), ("ObCache", a.ObCache, b.ObCache),
            ("LOADS", a.Loads, b.Loads), ("Pending", a.Pending, b.Pending), ("InboxHb", a.InboxHb, b.InboxHb),
            ("InboxObStore", a.InboxObStore, b.InboxObStore), ("InboxObCache", a.InboxObCache, b.InboxObCache),
        ];
        foreach (var (name, x, y) in rows)
        {
            for (int i = 0; i < x.Length; i++)
                if (x[i] != y[i]) return $"{name} row {i / a.Width} component {i % a.Width}: {x[i]} with the saving, {y[i]} without";
        }
        return null;
    }
}
