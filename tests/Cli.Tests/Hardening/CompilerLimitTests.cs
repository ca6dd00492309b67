using System.Text;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// Issue 12, hardening 4: what the trace writer refuses, the compiler refuses first, at the line and
/// column that goes over; and check does not say PASS for it.
/// </summary>
[TestClass]
public sealed class CompilerLimitTests
{
    const string Head = "arch arm64\ncpu cpu0\nram buf 0x1000 size 0x100\n";

    static string Repeat(string line, int n, Func<int, string> item)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.Append(line.Replace("{i}", item(i), StringComparison.Ordinal)).Append('\n');
        return sb.ToString();
    }

    static string Scenario(string what) => what switch
    {
        "site over 4096 bytes" => Head + $"cpu0: store buf size 8 = 1 @ \"{new string('s', 4097)}\"\n",
        "scenario name over 4096 bytes" => $"scenario \"{new string('n', 4097)}\"\n" + Head,
        "tab in a site" => Head + "cpu0: store buf size 8 = 1 @ \"a\tb\"\n",
        "NUL in a scenario name" => "scenario \"a\0b\"\n" + Head,
        "4097 cpus" => "arch arm64\n" + Repeat("cpu c{i}", 4097, i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        "65537 regions" => "arch arm64\ncpu cpu0\n" + Repeat("ram r{i} size 0x10", 65537, i => $"{i} 0x{(ulong)i * 0x10:x}"),
        // 4,000-byte sites take 4,002 header bytes each: after Head's 25 bytes (and the count's second byte from
        // site 128), site 4,193 is the first the 16 MiB header cannot take.
        "16 MiB of sites" => Head + Repeat("cpu0: store buf size 8 = 1 @ \"{i}\"", 4300, i => i.ToString("d6", System.Globalization.CultureInfo.InvariantCulture) + new string('s', 3994)),
        _ => "arch arm64\ncpu cpu0\n" + Repeat("cpu0: lock l{i}", 65537, i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    [TestMethod]
    [DataRow("site over 4096 bytes", "4:")]
    [DataRow("scenario name over 4096 bytes", "1:")]
    [DataRow("tab in a site", "4:")]
    [DataRow("NUL in a scenario name", "1:")]
    [DataRow("4097 cpus", "4098:")]
    [DataRow("65537 regions", "65539:")]
    [DataRow("65537 locks", "65539:")]
    [DataRow("16 MiB of sites", "4196:30:")]
    public void GenAndCheck_OverAWriterLimit_ErrorAtLineColumn(string what, string line)
    {
        using var s = new Scratch();
        string scn = s.Write("limit.scn", Scenario(what) + "expect none\n");

        var gen = RepoPaths.Run("gen", scn, "-o", s.Path("limit.trace"));
        var check = RepoPaths.Run("check", scn);

        HardeningAsserts.OneLineError(gen.Exit, gen.Err, "limit.scn:" + line);
        Assert.IsFalse(File.Exists(s.Path("limit.trace")), what);
        Assert.AreEqual(2, check.Exit, $"{what}: check must not pass: {check.Out}");
        Assert.DoesNotContain("PASS", check.Out, what);
        Assert.Contains("limit.scn:" + line, check.Err, what);
    }

    [TestMethod]
    public void Gen_MoreThan2To20Sites_ErrorAtTheSiteOverTheLimit()
    {
        using var s = new Scratch();
        int n = (1 << 20) + 1;
        var sb = new StringBuilder(Head);
        for (int i = 0; i < n; i++) sb.Append("cpu0: barrier dma_wmb @ \"").Append(i).Append("\"\n");
        string scn = s.Write("sites.scn", sb.ToString());

        var gen = RepoPaths.Run("gen", scn, "-o", s.Path("sites.trace"));

        HardeningAsserts.OneLineError(gen.Exit, gen.Err, $"sites.scn:{n + 3}:");
        Assert.IsFalse(File.Exists(s.Path("sites.trace")));
    }

    [TestMethod]
    public void Gen_AtEveryLimit_CompilesAndWrites()
    {
        using var s = new Scratch();
        string scn = s.Write("edge.scn", $"scenario \"{new string('n', 4096)}\"\n" + Head +
            $"cpu0: store buf size 8 = 1 @ \"{new string('s', 4096)}\"\n");

        var gen = RepoPaths.Run("gen", scn, "-o", s.Path("edge.trace"));

        Assert.AreEqual(0, gen.Exit, gen.Err);
    }

    [TestMethod]
    public void Import_KernelCodeAddressesPastTheHeaderCap_OneLineErrorAtTheLine_NothingWritten()
    {
        // 2^20 distinct kernel pcs pass the count of sites, but at 19 bytes each not the header's 16 MiB: before, the
        // writer refused the header as an internal error once every line had been read.
        using var s = new Scratch();
        string layout = s.Write("layout.scn", "arch x86_64\ncpu cpu0\ndevice gpu\nmmio bar0 0xfd000000 size 0x1000000 device gpu\n");
        var text = new StringBuilder(48 << 20);
        for (ulong i = 0; i < 1 << 20; i++) text.Append("W 1 1 1 0xfd000000 0x0 0x").Append((0xffffffffa0000000UL + i).ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append(" 0\n");
        string input = s.Write("mmio.txt", text.ToString());

        var import = RepoPaths.Run("import", "mmiotrace", input, "--layout", layout, "-o", s.Path("out.trace"));

        HardeningAsserts.OneLineError(import.Exit, import.Err, "mmio.txt:");
        Assert.Contains("the trace header would pass the format's 16,777,216 bytes with this site", import.Err);
        Assert.IsFalse(File.Exists(s.Path("out.trace")));
    }
}
