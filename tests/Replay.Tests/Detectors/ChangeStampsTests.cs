using TraceTools.Detectors.TornEntryFetch;

namespace TraceTools.Tests.Detectors;

/// <summary>
/// torn-entry-fetch's per-granule and per-bit stamps of the stores to a used-bits entry under fetch (model.md §8.1)
/// against the log they replaced, kept here as a twin: every store since the run began with its entry-sized mask of
/// changed bits, walked back at each granule read. Random runs over entries of up to 260 granules, stores that change
/// used bits, only unused ones, or nothing, granule reads asking with random used masks, layouts changing between runs.
/// </summary>
[TestClass]
public sealed class ChangeStampsTests
{
    /// <summary>The old walk (TornEntryFetchDetector.UsedBits before the stamps), verbatim in what it answers.</summary>
    sealed class StoreLogTwin
    {
        readonly List<(long Index, byte[] Changed)> _stores = [];

        public void Begin() => _stores.Clear();

        public void Log(long index, byte[] before, byte[] after)
        {
            var changed = new byte[before.Length];
            for (int k = 0; k < changed.Length; k++) changed[k] = (byte)(before[k] ^ after[k]);
            _stores.Add((index, changed));
        }

        /// <summary>The latest store after <paramref name="firstIndex"/> that changed a bit of the granule used in <paramref name="used"/> (the entry's mask), or -1; <paramref name="changed"/>: any byte of it changed.</summary>
        public long Tear(long firstIndex, int from, int g, byte[] used, out bool changed)
        {
            changed = false;
            for (int i = _stores.Count - 1; i >= 0 && !changed; i--)
            {
                var (index, bytes) = _stores[i];
                if (index <= firstIndex) break;
                if (bytes.AsSpan(from, g).IndexOfAnyExcept((byte)0) >= 0) changed = true;
            }
            if (!changed) return -1;
            for (int i = _stores.Count - 1; i >= 0; i--)
            {
                var (index, bytes) = _stores[i];
                if (index <= firstIndex) break;
                for (int k = from; k < from + g; k++)
                    if ((bytes[k] & used[k]) != 0) return index;
            }
            return -1;
        }
    }

    static readonly (int Entry, int Granule)[] Layouts =
        [(8, 1), (16, 4), (24, 8), (64, 8), (64, 16), (128, 1), (130, 1), (192, 1), (260, 1), (256, 2), (96, 3), (1024, 8)];

    [TestMethod]
    public void Stamps_RandomRuns_AnswerAsTheStoreLogWalk()
    {
        var rng = new Random(20261204);
        int reads = 0, torn = 0, changedUnused = 0, highGranules = 0;
        for (int c = 0; c < 400; c++)
        {
            var stamps = new ChangeStamps();
            var twin = new StoreLogTwin();
            long index = rng.Next(3);
            var (e, g) = Layouts[rng.Next(Layouts.Length)];
            var memory = new byte[e];
            long first = -1;
            int last = -1;
            int steps = rng.Next(20, 300);
            for (int s = 0; s < steps; s++)
            {
                int what = rng.Next(100);
                if (what < 6 || first < 0)
                {
                    // A new run (sometimes on a table of another layout: the slots of the old one are stale, not cleared).
                    if (rng.Next(4) == 0)
                    {
                        (e, g) = Layouts[rng.Next(Layouts.Length)];
                        memory = new byte[e];
                        rng.NextBytes(memory);
                    }
                    first = ++index;
                    last = rng.Next(2) == 0 ? 0 : rng.Next(e / g);
                    stamps.Room(e, g);
                    twin.Begin();
                }
                else if (what < 55)
                {
                    var before = (byte[])memory.Clone();
                    var (at, size) = Store(rng, memory, e, g);
                    index++;
                    // The detector sees only stores that changed the entry.
                    if (!before.AsSpan().SequenceEqual(memory))
                    {
                        stamps.Record(index, at, before.AsSpan(at, size), memory.AsSpan(at, size), g);
                        twin.Log(index, before, memory);
                    }
                }
                else if (what < 60) index += rng.Next(1, 50); // other events
                else
                {
                    // A granule read, rising mostly (the run's shape), sometimes anywhere.
                    int granules = e / g;
                    int r = rng.Next(4) == 0 ? rng.Next(granules) : Math.Min(granules - 1, last + rng.Next(1, 3));
                    last = r;
                    index++;
                    var used = UsedMask(rng, e);
                    long expected = twin.Tear(first, r * g, g, used, out bool changed);
                    long actual = stamps.LatestChange((uint)r) <= first ? -1 : stamps.LatestUsedChange(r * g, used.AsSpan(r * g, g));
                    if (actual <= first) actual = -1;
                    Assert.AreEqual(changed, stamps.LatestChange((uint)r) > first, $"case {c} step {s}: granule {r} changed since {first}");
                    Assert.AreEqual(expected, actual, $"case {c} step {s}: granule {r} of {granules} ({g} bytes), first read {first}");
                    reads++;
                    if (expected >= 0) torn++;
                    else if (changed) changedUnused++;
                    if (expected >= 0 && r >= 64) highGranules++;
                }
            }
        }
        Assert.IsGreaterThan(2000, reads);
        Assert.IsGreaterThan(300, torn, "reads a used-bit change tears");
        Assert.IsGreaterThan(300, changedUnused, "reads of granules changed only in unused bits");
        Assert.IsGreaterThan(20, highGranules, "tears at granules 64 and up");
    }

    /// <summary>A cpu store of one of several shapes: the same value, one bit flipped, random bytes; a byte, a word, across granules, the whole entry.</summary>
    static (int At, int Size) Store(Random rng, byte[] memory, int e, int g)
    {
        int size = rng.Next(6) switch { 0 => 1, 1 => 2, 2 => 4, 3 => 8, 4 => 16, _ => e };
        size = Math.Min(size, e);
        int at = rng.Next(3) == 0 && e / g > 1
            ? Math.Clamp(rng.Next(1, e / g) * g - size / 2, 0, e - size) // straddling a granule edge
            : rng.Next(e - size + 1);
        switch (rng.Next(4))
        {
            case 0: break; // the same value
            case 1: memory[at + rng.Next(size)] ^= (byte)(1 << rng.Next(8)); break;
            default: rng.NextBytes(memory.AsSpan(at, size)); break;
        }
        return (at, size);
    }

    /// <summary>A used mask over the entry: nothing, everything, or a few random bits (the configuration the fetch observed).</summary>
    static byte[] UsedMask(Random rng, int e)
    {
        var used = new byte[e];
        switch (rng.Next(5))
        {
            case 0: break;
            case 1: used.AsSpan().Fill(0xFF); break;
            default:
                for (int k = 0; k < e; k++)
                    if (rng.Next(3) == 0) used[k] = (byte)(1 << rng.Next(8));
                break;
        }
        return used;
    }
}
