using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>The generator's cache-line concern (TraceGenerator.Lines.cs) occurs in many traces.</summary>
[TestClass]
public sealed class GeneratorLinesTests
{
    const int Seeds = 1500;

    [TestMethod]
    public void Generator_ManySeeds_DeclaresLineSizesAndBuildsSharedLines()
    {
        var sizes = new Dictionary<int, int>();
        int shared = 0, discards = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var t = TraceGenerator.Generate(seed);
            int line = t.Metadata.CacheLineSize;
            sizes[line] = sizes.GetValueOrDefault(line) + 1;
            ulong Line(ulong a) => a / (ulong)line;
            var ev = t.Events.Select(e => e.E).ToList();
            bool Coherent(int agent) => t.Metadata.Agents[agent].Coherent;
            // A noncoherent device write, then a cpu store to other bytes of its line, then an invalidation of the line.
            for (int w = 0; w < ev.Count; w++)
            {
                if (ev[w].Kind != EventKind.DmaWrite || Coherent(ev[w].Agent)) continue;
                bool found = false;
                for (int s = 0; s < ev.Count && !found; s++)
                {
                    if (ev[s].Kind != EventKind.Store || Line(ev[s].Address) != Line(ev[w].Address)) continue;
                    if (ev[s].Address < ev[w].Address + (ulong)ev[w].Size && ev[w].Address < ev[s].Address + (ulong)ev[s].Size) continue;
                    found = ev.Skip(Math.Max(s, w) + 1).Any(i => i.Kind is EventKind.CacheInval or EventKind.CacheFlush && Line(i.Address) == Line(ev[w].Address));
                }
                if (found) { shared++; break; }
            }
            for (int i = 1; i + 1 < ev.Count; i++)
                if (ev[i].Kind == EventKind.CacheInval && ev[i - 1].Kind == EventKind.Store && ev.Skip(i + 1).Any(e => e.Kind == EventKind.Load)) { discards++; break; }
        }
        foreach (int size in new[] { 16, 32, 64, 128 })
            Assert.IsGreaterThan(40, sizes.GetValueOrDefault(size), $"line size {size}: {sizes.GetValueOrDefault(size)} traces");
        Assert.IsGreaterThan(100, shared, $"shared-line layouts: {shared}");
        Assert.IsGreaterThan(100, discards, $"store, invalidation, load: {discards}");
    }
}
