using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>The bits a random used rule makes used, for the used-bits twins' random tables (linked into each test project that draws them).</summary>
static class RandomUsedRuns
{
    /// <summary>One to three runs anywhere in an entry of <paramref name="bits"/> bits, short (up to 9 bits) or long (up to 201).</summary>
    public static List<EntryBits> Draw(Random rng, uint bits)
    {
        var runs = new List<EntryBits>();
        for (int r = rng.Next(1, 4); r > 0; r--)
        {
            uint low = (uint)rng.Next((int)bits);
            runs.Add(new EntryBits(low, Math.Min(bits - 1, low + (uint)rng.Next(rng.Next(2) == 0 ? 8 : 200))));
        }
        return runs;
    }
}
