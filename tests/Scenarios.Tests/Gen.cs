using System.Buffers.Binary;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>Compiles scenario text and collects its events.</summary>
static class Gen
{
    public static CompiledScenario Compile(string text, IReadOnlyDictionary<string, ulong>? overrides = null) =>
        ScenarioCompiler.Compile(text, "t.scn", overrides);

    public static EventBatch Events(CompiledScenario s)
    {
        var b = new EventBatch(16);
        b.Reset(0);
        s.Generate(b);
        return b;
    }

    public static EventBatch Events(string text) => Events(Compile(text));

    /// <summary>The event's bytes as a little-endian value (up to 8 bytes).</summary>
    public static ulong Value(EventBatch b, int i)
    {
        var d = b.GetData(i);
        Span<byte> u = stackalloc byte[8];
        u.Clear();
        d[..Math.Min(8, d.Length)].CopyTo(u);
        return BinaryPrimitives.ReadUInt64LittleEndian(u);
    }

    public static ScenarioException Error(string text, IReadOnlyDictionary<string, ulong>? overrides = null)
    {
        try
        {
            var s = Compile(text, overrides);
            s.CountEvents();
            s.Generate(new EventBatch(16));
        }
        catch (ScenarioException e)
        {
            return e;
        }
        throw new AssertFailedException("expected a ScenarioException");
    }

    /// <summary>A header for small op tests: arm64, cpu0, dev (fetcher), buf/flag/regs/tab.</summary>
    public const string Header = """
        arch arm64
        cpu cpu0
        device dev noncoherent
        ram  buf  0x1000 size 0x100
        sync flag 0x2000 size 0x10
        mmio regs 0x3000 size 0x20 device dev
        table tab 0x4000 entries 4 entry_size 32 granule 16 present bit 0 fetcher dev

        """;
}

/// <summary>Locates the repository and its samples.</summary>
static class Repo
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TraceTools.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("TraceTools.sln not found above " + AppContext.BaseDirectory);
    }

    public static string SamplesDir => Path.Combine(Root, "samples", "traces");

    public static IEnumerable<object[]> Samples =>
        Directory.GetFiles(SamplesDir, "*.scn").OrderBy(p => p, StringComparer.Ordinal).Select(p => new object[] { Path.GetFileName(p) });
}
