using TraceTools.TraceFormat;

namespace TraceTools.Tests.Support;

/// <summary>Checks a trace's stored census against the events it was written from.</summary>
public static class CensusAssert
{
    /// <summary>
    /// The census of <paramref name="events"/> two ways: <see cref="DevicePagesBuilder"/> over their batches (what a
    /// pass over the trace finds), and a plain per-event loop over the pages of every census kind's bytes.
    /// </summary>
    public static ulong[] Expected(IReadOnlyList<RecordedEvent> events)
    {
        var builder = new DevicePagesBuilder();
        var sink = new BatchingSink(builder.Add, batchEvents: 37);
        foreach (var e in events) sink.Append(e.Event, e.Data);
        sink.Flush();
        var fromBuilder = builder.Build()!.Sorted();

        var plain = new SortedSet<ulong>();
        foreach (var e in events)
        {
            var ev = e.Event;
            if (!DevicePages.InCensus(ev.Kind) || ev.Size <= 0) continue;
            ulong last = ev.Address > ulong.MaxValue - (ulong)(ev.Size - 1) ? ulong.MaxValue : ev.Address + (ulong)(ev.Size - 1);
            for (ulong p = ev.Address >> 12; ; p++)
            {
                plain.Add(p);
                if (p == last >> 12) break;
            }
        }
        CollectionAssert.AreEqual(plain.ToArray(), fromBuilder, "the builder and the plain loop disagree");
        return fromBuilder;
    }

    /// <summary>Asserts <paramref name="census"/> is present and holds exactly the census pages of <paramref name="events"/>.</summary>
    public static void SameAs(IReadOnlyList<RecordedEvent> events, DevicePages? census)
    {
        Assert.IsNotNull(census, "the trace carries no census");
        var expected = Expected(events);
        CollectionAssert.AreEqual(expected, census.Sorted(), "census pages");
        Assert.AreEqual(expected.Length, census.Count);
    }
}
