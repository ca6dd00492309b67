using TraceTools.TraceFormat;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Memory;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The generator's column steps (TraceGenerator.Columns.cs) bring the page columns, and the cells, into every form in the
/// engine's own shadow, with accesses over several blocks: what the differential then holds to the reference.
/// </summary>
[TestClass]
public sealed class GeneratorColumnsTests
{
    [TestMethod]
    public void Generator_ManySeeds_PageColumnsInBlocksAndWhole()
    {
        var counts = new Dictionary<string, int>();
        void Count(string what, bool hit) { if (hit) counts[what] = counts.GetValueOrDefault(what) + 1; }
        const int seeds = 600;
        for (int seed = 0; seed < seeds; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            using var engine = DetectorRegistry.CreateEngine(t.Metadata, new ReplayOptions());
            engine.Process(t.ToBatch());
            var pages = engine.Shadow.Pages.Pages.ToList();
            Count("release handles in blocks", pages.Any(p => p.Releases.InBlocks));
            Count("release handles past the blocks: the whole page", pages.Any(p => p.Releases.Held == ShadowPage.Size));
            Count("table values in blocks", pages.Any(p => p.Values.InBlocks));
            Count("cells in blocks", pages.Any(p => p.BlocksHeld > 0));
            Count("cells in blocks with cache marks", pages.Any(p => p.BlocksHeld > 0 && p.HasCacheState));
            Count("cells in blocks two wide or more", pages.Any(p => p.BlocksHeld > 0 && p.Width >= 2));
            ulong spread = TraceGenerator.SyncPages;
            Count("a load over several blocks of handles", t.Events.Any(e => e.E.Kind is EventKind.Load or EventKind.DmaRead
                && e.E.Address >= spread && e.E.Address / 64 + 1 < (e.E.Address + (ulong)e.E.Size - 1) / 64));
        }
        foreach (var what in new[] { "release handles in blocks", "release handles past the blocks: the whole page", "table values in blocks", "a load over several blocks of handles",
            "cells in blocks", "cells in blocks with cache marks", "cells in blocks two wide or more" })
            Assert.IsGreaterThanOrEqualTo(20, counts.GetValueOrDefault(what), $"{what}: {counts.GetValueOrDefault(what)} of {seeds} traces");
    }
}
