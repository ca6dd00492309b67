using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>The generator's shadow-memory shapes (TraceGenerator.Shadow.cs) occur in many traces.</summary>
[TestClass]
public sealed class GeneratorShadowTests
{
    const int Seeds = 1500;

    static bool IsWrite(TraceEvent e) => e.Kind is EventKind.Store or EventKind.DmaWrite;
    static bool IsAccess(TraceEvent e) => e.Kind is EventKind.Store or EventKind.Load or EventKind.DmaRead or EventKind.DmaWrite;
    static bool IsMaintenance(TraceEvent e) => e.Kind is EventKind.CacheClean or EventKind.CacheInval or EventKind.CacheFlush;
    static bool InPages(TraceEvent e) => e.Address >= TraceGenerator.Pages && e.Address < TraceGenerator.Pages + 0x2000;
    static ulong End(TraceEvent e) => e.Address + (ulong)e.Size;

    [TestMethod]
    public void Generator_ManySeeds_DrawsTheShadowShapes()
    {
        var counts = new Dictionary<string, int>();
        void Count(string what, bool hit) { if (hit) counts[what] = counts.GetValueOrDefault(what) + 1; }
        for (int seed = 0; seed < Seeds; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            ulong line = t.Metadata.CacheLineSize == 0 ? 64 : (ulong)t.Metadata.CacheLineSize;
            var ev = t.Events.Select(e => e.E).Where(InPages).ToList();
            bool Whole(TraceEvent e) => e.Address % 0x1000 == 0 && e.Size % 0x1000 == 0;
            Count("whole-page write, then a part of it written", Enumerable.Range(0, ev.Count).Any(i => IsWrite(ev[i]) && Whole(ev[i])
                && ev.Skip(i + 1).Any(p => IsWrite(p) && !Whole(p) && p.Address < End(ev[i]) && ev[i].Address < End(p))));
            Count("access across the pages' boundary", ev.Any(e => IsAccess(e) && e.Address < TraceGenerator.Pages + 0x1000 && End(e) > TraceGenerator.Pages + 0x1000));
            Count("access ending at a page's last byte", ev.Any(e => IsAccess(e) && End(e) % 0x1000 == 0 && !Whole(e)));
            // One line cleaned (or invalidated), then a range holding it and the line before by another maintenance.
            Count("a line maintained, then a range holding it and the line before", Enumerable.Range(0, ev.Count).Any(i => IsMaintenance(ev[i])
                && ev.Skip(i + 1).Any(m => IsMaintenance(m) && m.Address / line < ev[i].Address / line && End(m) >= End(ev[i]))));
            Count("whole-page maintenance after a part", Enumerable.Range(0, ev.Count).Any(i => IsMaintenance(ev[i]) && !Whole(ev[i])
                && ev.Skip(i + 1).Any(m => IsMaintenance(m) && Whole(m) && m.Address <= ev[i].Address && End(m) >= End(ev[i]))));
            Count("five byte stores into one word", ev.Where(e => e.Kind == EventKind.Store && e.Size <= 2).GroupBy(e => e.Address / 8).Any(g => g.Count() >= 5));
        }
        foreach (var what in new[] { "whole-page write, then a part of it written", "access across the pages' boundary", "access ending at a page's last byte",
            "a line maintained, then a range holding it and the line before", "whole-page maintenance after a part", "five byte stores into one word" })
            Assert.IsGreaterThanOrEqualTo(30, counts.GetValueOrDefault(what), $"{what}: {counts.GetValueOrDefault(what)} of {Seeds} traces");
    }
}
