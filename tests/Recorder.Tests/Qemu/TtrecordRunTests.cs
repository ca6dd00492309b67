using System.Diagnostics;
using System.Text.RegularExpressions;
using TraceTools.Tests.Recorder.Support;

namespace TraceTools.Tests.Recorder.Qemu;

/// <summary>
/// The ttrecord plugin under a real qemu-system-aarch64 (7.2, what .ci/run installs): recorder/qemu/record.sh
/// records the bare-metal fw_cfg DMA program again, and the logs are the committed samples/qemu ones line by line,
/// but for what changes from run to run (QEMU's host pointers, the pid and time of the timestamped spelling). The
/// importer's tests read the committed logs; this holds them to what the plugin writes today.
/// </summary>
[TestClass]
public sealed partial class TtrecordRunTests
{
    static string Root => CProgram.Root;

    [TestMethod]
    public void RecordScript_UnderQemu_WritesTheCommittedLogs()
    {
        // record.sh installs what is missing with apt-get; a test must not, so it runs only where .ci/run installed them.
        foreach (var tool in new[] { "qemu-system-aarch64", "aarch64-linux-gnu-as", "gcc" })
            if (!OnPath(tool)) Assert.Inconclusive($"{tool} is not installed (.ci/run installs qemu-system-arm and binutils-aarch64-linux-gnu)");
        using var dir = new TempDir();
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Root, "recorder", "qemu", "record.sh"));
        start.ArgumentList.Add(dir.Path);
        using (var p = Process.Start(start)!)
        {
            var output = p.StandardOutput.ReadToEndAsync();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.AreEqual(0, p.ExitCode, error + output.Result);
        }
        foreach (var name in new[] { "fwcfg-dma-nobarrier.log", "fwcfg-dma-barrier.log" })
        {
            var recorded = Stable(File.ReadAllLines(Path.Combine(dir.Path, name)));
            var committed = Stable(File.ReadAllLines(Path.Combine(Root, "samples", "qemu", name)));
            CollectionAssert.AreEqual(committed, recorded, $"{name}:\n{string.Join("\n", recorded)}");
        }
    }

    [TestMethod]
    public void Stable_HostPointersAndTimestamps_Masked_TheRestKept()
    {
        string[] log =
        [
            "29559@1796180809.688957:memory_region_ops_write cpu 0 mr 0x560a4cc49790 addr 0x9020010 value 0x40090000 size 8 name 'fwcfg.dma'",
            "fw_cfg_read 0x5593ded4b0f0 = 0x0",
        ];
        CollectionAssert.AreEqual(new[]
        {
            "memory_region_ops_write cpu 0 mr HOST addr 0x9020010 value 0x40090000 size 8 name 'fwcfg.dma'",
            "fw_cfg_read HOST = 0x0",
        }, Stable(log));
    }

    /// <summary>A log's lines without what differs between two runs of the same program: the timestamp prefix and QEMU's own pointers.</summary>
    static string[] Stable(string[] lines) =>
        [.. lines.Select(l => HostPointer().Replace(Timestamp().Replace(l, ""), "$1 HOST"))];

    /// <summary>QEMU's <c>-msg timestamp=on</c> prefix, <c>PID@SEC.USEC:</c>.</summary>
    [GeneratedRegex(@"^\d+@\d+\.\d+:")]
    private static partial Regex Timestamp();

    /// <summary>A memory region's or fw_cfg's address in QEMU's heap (<c>mr 0x...</c>, <c>fw_cfg_read 0x...</c>).</summary>
    [GeneratedRegex(@"\b(mr|fw_cfg_select|fw_cfg_read) 0x[0-9a-f]+")]
    private static partial Regex HostPointer();

    static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, tool)));
}
