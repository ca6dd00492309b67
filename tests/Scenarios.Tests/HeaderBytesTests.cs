using CultureInfo = System.Globalization.CultureInfo;
using System.Text;
using TraceTools.Scenarios;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// The trace header's cap in bytes (<see cref="TraceLimits.MaxHeaderBytes"/>): the declaration, lock or site that
/// takes the header past it is reported at its line and column, and everything before it compiles into a header the
/// writer takes. Where the header goes over is found here by measuring (<see cref="TraceLimits.HeaderBytes"/>, the
/// writer's own encoding), not by the compiler's count.
/// </summary>
[TestClass]
public sealed class HeaderBytesTests
{
    const string H = "arch arm64\ncpu c\nram buf 0x1000 size 0x100\n";
    const int HLines = 3;

    static string Long(string prefix, int i, int bytes) =>
        prefix + i.ToString("d6", CultureInfo.InvariantCulture) + new string('x', bytes - prefix.Length - 6);

    static TraceMetadata Declared(string text) => ScenarioCompiler.Compile(text, "t.scn").Metadata;

    [TestMethod]
    public void Sites_TheOneThatGoesOver_ReportedAtItsColumn_AndTheTextBeforeItWritesAHeaderAtMostTheCap()
    {
        var sites = Enumerable.Range(0, 4_300).Select(i => Long("site ", i, 4_000)).ToArray();
        var declared = Declared(H);
        int over = HeaderCap.Fitting(sites.Length, n => HeaderCap.With(declared, sites: sites[..n]));
        string Text(int n) => H + string.Concat(sites[..n].Select(s => $"c: store buf size 4 @ \"{s}\"\n"));

        ErrorTests.AssertError(Text(sites.Length), HLines + over + 1, 23, "the trace header would pass the format's 16,777,216 bytes with this site");
        var fits = ScenarioCompiler.Compile(Text(over), "t.scn");
        Assert.HasCount(over, fits.Metadata.Sites);
        long bytes = TraceLimits.HeaderBytes(fits.Metadata);
        Assert.IsLessThanOrEqualTo((long)TraceLimits.MaxHeaderBytes, bytes);
        Assert.IsGreaterThan(TraceLimits.MaxHeaderBytes - 4_100L, bytes);
        using var writer = new TraceWriter(new MemoryStream(), fits.Metadata);
    }

    [TestMethod]
    public void Sites_WithACacheLine_TheSiteEndingAtTheCapCompiles_OneByteMoreIsReportedAtIt()
    {
        // The declarations are measured again whole at the first step, the cache line's section with them: a site
        // that ends the header at the cap compiles, and one byte more is reported at it.
        const string Hc = H + "cacheline 128\n";
        var declared = Declared(Hc);
        Assert.AreEqual(128, declared.CacheLineSize);
        var sites = Enumerable.Range(0, 17_000).Select(i => Long("site ", i, 1_000)).ToList();
        int fitting = HeaderCap.Fitting(sites.Count, n => HeaderCap.With(declared, sites: sites[..n]));
        long left = TraceLimits.MaxHeaderBytes - TraceLimits.HeaderBytes(HeaderCap.With(declared, sites: sites[..fitting]));
        // The last site's length takes two bytes: it has 128 bytes or more.
        if (left < 130) (fitting, left) = (fitting - 1, left + 1_002);
        sites = sites[..fitting];
        string last = Long("last ", 0, (int)left - 2);
        string Text(string lastSite) => Hc + string.Concat(sites.Select(s => $"c: store buf size 4 @ \"{s}\"\n")) + $"c: store buf size 4 @ \"{lastSite}\"\n";

        var fits = ScenarioCompiler.Compile(Text(last), "t.scn");
        Assert.AreEqual((long)TraceLimits.MaxHeaderBytes, TraceLimits.HeaderBytes(fits.Metadata));
        ErrorTests.AssertError(Text(last + "x"), HLines + 1 + fitting + 1, 23, "the trace header would pass the format's 16,777,216 bytes with this site");
    }

    [TestMethod]
    public void Locks_TheOneThatGoesOver_ReportedAtItsName()
    {
        var locks = Enumerable.Range(0, 4_300).Select(i => Long("lock_", i, 4_000)).ToArray();
        var declared = Declared(H);
        int over = HeaderCap.Fitting(locks.Length, n => HeaderCap.With(declared, locks: locks[..n]));
        string text = H + string.Concat(locks.Select(l => $"c: lock {l}\n"));

        ErrorTests.AssertError(text, HLines + over + 1, 9, "with this lock name");
    }

    [TestMethod]
    public void Agents_TheOneThatGoesOver_ReportedAtItsName()
    {
        var names = Enumerable.Range(0, TraceLimits.MaxAgents - 1).Select(i => Long("d", i, TraceLimits.MaxStringBytes)).ToArray();
        int over = HeaderCap.Fitting(names.Length, n => new TraceMetadata
        {
            Name = "", Arch = Arch.Arm64, Agents = [new("c", AgentKind.Cpu), .. names[..n].Select(d => new AgentInfo(d, AgentKind.Device))], Regions = [],
        });
        string text = "arch arm64\ncpu c\n" + string.Concat(names.Select(d => $"device {d}\n"));

        ErrorTests.AssertError(text, 2 + over + 1, 8, "with this agent");
    }

    [TestMethod]
    public void Regions_TheOneThatGoesOver_ReportedAtItsBase()
    {
        var names = Enumerable.Range(0, 4_200).Select(i => Long("r", i, TraceLimits.MaxStringBytes)).ToArray();
        RegionInfo Region(int i) => new() { Name = names[i], Kind = RegionKind.Ram, Base = (ulong)i * 0x1000, Size = 0x1000 };
        int over = HeaderCap.Fitting(names.Length, n => new TraceMetadata
        {
            Name = "", Arch = Arch.Arm64, Agents = [new("c", AgentKind.Cpu)], Regions = [.. Enumerable.Range(0, n).Select(Region)],
        });
        var text = new StringBuilder("arch arm64\ncpu c\n");
        for (int i = 0; i < names.Length; i++) text.Append(CultureInfo.InvariantCulture, $"ram {names[i]} 0x{i * 0x1000:x} size 0x1000\n");

        ErrorTests.AssertError(text.ToString(), 2 + over + 1, 4 + TraceLimits.MaxStringBytes + 2, "with this region");
    }

    [TestMethod]
    public void Declarations_UnderTheCapUntilTheirSectionsCount_ReportedAtTheFirstStep()
    {
        // Devices named up to just under the cap, each started in IOMMU bypass: the agents fit as they are
        // declared, and the section listing their modes (known once the declarations are complete) does not.
        var all = Enumerable.Range(0, TraceLimits.MaxAgents - 1).Select(i => Long("d", i, TraceLimits.MaxStringBytes)).ToArray();
        TraceMetadata Header(int n, IommuTreatment mode) => new()
        {
            Name = "", Arch = Arch.Arm64, Regions = [],
            Agents = [new("c", AgentKind.Cpu), .. all[..n].Select(d => new AgentInfo(d, AgentKind.Device) { IommuAtStart = mode })],
        };
        var names = all[..HeaderCap.Fitting(all.Length, n => Header(n, IommuTreatment.Translate))];
        Assert.IsGreaterThan(TraceLimits.MaxHeaderBytes, TraceLimits.HeaderBytes(Header(names.Length, IommuTreatment.Bypass)), "the modes must take it over");
        string declarations = "arch arm64\ncpu c\n" + string.Concat(names.Select(d => $"device {d} iommu bypass\n"));
        int firstStep = 2 + names.Length + 1;

        ErrorTests.AssertError(declarations + "c: barrier dmb.sy\n", firstStep, 1, "the declarations (names, regions, used bits) take");
        ErrorTests.AssertError(declarations, firstStep, 1, "the declarations (names, regions, used bits) take");
    }
}
