using System.Text.Json;

namespace TraceTools.Tests.Export;

/// <summary>An export's trace events, read back with System.Text.Json.</summary>
sealed class ChromeJson
{
    public required List<JsonElement> Events { get; init; }
    public required JsonElement OtherData { get; init; }

    /// <summary>The event slices (cat "event"), in file order.</summary>
    public IEnumerable<JsonElement> Slices => Events.Where(e => Ph(e) == "X" && Cat(e) == "event");

    /// <summary>The finding slices on the findings process.</summary>
    public IEnumerable<JsonElement> FindingSlices => Events.Where(e => Ph(e) == "X" && Cat(e) == "finding");

    /// <summary>Flows of a category as (start pid, tid, ts) → (end pid, tid, ts, bp), paired by id.</summary>
    public List<(Point From, Point To, string Name)> Flows(string category)
    {
        var starts = new Dictionary<long, JsonElement>();
        var flows = new List<(Point, Point, string)>();
        foreach (var e in Events.Where(e => Ph(e) == "s" && Cat(e) == category))
            Assert.IsTrue(starts.TryAdd(e.GetProperty("id").GetInt64(), e), "flow id used twice");
        foreach (var e in Events.Where(e => Ph(e) == "f" && Cat(e) == category))
        {
            Assert.IsTrue(starts.Remove(e.GetProperty("id").GetInt64(), out var s), "flow end without a start");
            Assert.AreEqual("e", e.GetProperty("bp").GetString(), "flow ends bind to their enclosing slice");
            Assert.AreEqual(s.GetProperty("name").GetString(), e.GetProperty("name").GetString());
            flows.Add((Point.Of(s), Point.Of(e), s.GetProperty("name").GetString()!));
        }
        Assert.IsEmpty(starts, "flow start without an end");
        return flows;
    }

    public static string? Ph(JsonElement e) => e.GetProperty("ph").GetString();
    public static string? Cat(JsonElement e) => e.TryGetProperty("cat", out var c) ? c.GetString() : null;

    public static ChromeJson Parse(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement.Clone();
        return new ChromeJson { Events = [.. root.GetProperty("traceEvents").EnumerateArray()], OtherData = root.GetProperty("otherData") };
    }

    /// <summary>Where a flow point sits: its track and the trace index whose slice encloses it.</summary>
    public readonly record struct Point(int Pid, int Tid, long Index)
    {
        public static Point Of(JsonElement e)
        {
            double ts = e.GetProperty("ts").GetDouble();
            Assert.AreNotEqual(Math.Floor(ts), ts, "a flow point sits inside its slice, not on its edge");
            return new(e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32(), (long)Math.Floor(ts));
        }
    }
}
