using System.Diagnostics;
using TraceTools.Tests.Recorder.Support;

namespace TraceTools.Tests.Recorder.Qemu;

/// <summary>
/// The ttrecord plugin builds with the system C compiler alone (no QEMU, no QEMU header), exports only the
/// two symbols QEMU looks up, calls only functions QEMU 7.2 exports, and decodes barriers and cache
/// maintenance as GNU as encodes them (recorder/qemu/decode_test.c).
/// </summary>
[TestClass]
public sealed class TtrecordBuildTests
{
    /// <summary>The qemu_plugin_* functions qemu-system-aarch64 7.2 (Debian 1:7.2+dfsg-7) exports to plugins (nm -D).</summary>
    static readonly HashSet<string> Qemu72PluginApi =
    [
        "qemu_plugin_bool_parse", "qemu_plugin_end_code", "qemu_plugin_entry_code", "qemu_plugin_get_hwaddr",
        "qemu_plugin_hwaddr_device_name", "qemu_plugin_hwaddr_is_io", "qemu_plugin_hwaddr_phys_addr",
        "qemu_plugin_insn_data", "qemu_plugin_insn_disas", "qemu_plugin_insn_haddr", "qemu_plugin_insn_size",
        "qemu_plugin_insn_symbol", "qemu_plugin_insn_vaddr", "qemu_plugin_mem_is_big_endian",
        "qemu_plugin_mem_is_sign_extended", "qemu_plugin_mem_is_store", "qemu_plugin_mem_size_shift",
        "qemu_plugin_n_max_vcpus", "qemu_plugin_n_vcpus", "qemu_plugin_outs", "qemu_plugin_path_to_binary",
        "qemu_plugin_register_atexit_cb", "qemu_plugin_register_flush_cb", "qemu_plugin_register_vcpu_exit_cb",
        "qemu_plugin_register_vcpu_idle_cb", "qemu_plugin_register_vcpu_init_cb", "qemu_plugin_register_vcpu_insn_exec_cb",
        "qemu_plugin_register_vcpu_insn_exec_inline", "qemu_plugin_register_vcpu_mem_cb", "qemu_plugin_register_vcpu_mem_inline",
        "qemu_plugin_register_vcpu_resume_cb", "qemu_plugin_register_vcpu_syscall_cb", "qemu_plugin_register_vcpu_syscall_ret_cb",
        "qemu_plugin_register_vcpu_tb_exec_cb", "qemu_plugin_register_vcpu_tb_exec_inline", "qemu_plugin_register_vcpu_tb_trans_cb",
        "qemu_plugin_reset", "qemu_plugin_start_code", "qemu_plugin_tb_get_insn", "qemu_plugin_tb_n_insns",
        "qemu_plugin_tb_vaddr", "qemu_plugin_uninstall", "qemu_plugin_vcpu_for_each",
    ];

    static string Recorder => Path.Combine(CProgram.Root, "recorder", "qemu");

    static (int Exit, string Out, string Err) Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["CFLAGS"] = "-Werror";
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEndAsync();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output.Result, error);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Inconclusive($"{tool} is not installed (.ci/run installs gcc and binutils)");
            throw;
        }
    }

    [TestMethod]
    public void Plugin_BuildScript_BuildsWithoutWarningsAnSoThatExportsOnlyWhatQemuLooksUp()
    {
        using var dir = new TempDir();
        var (exit, _, err) = Run("sh", Path.Combine(Recorder, "build.sh"), dir.Path);
        if (exit == 127 || err.Contains("gcc: not found", StringComparison.Ordinal)) Assert.Inconclusive("gcc is not installed");
        Assert.AreEqual(0, exit, err);
        string so = Path.Combine(dir.Path, "libttrecord.so");
        Assert.IsTrue(File.Exists(so));

        var defined = Symbols(Run("nm", "-D", "--defined-only", so));
        CollectionAssert.AreEquivalent(new[] { "qemu_plugin_install", "qemu_plugin_version" }, defined);
        var used = Symbols(Run("nm", "-D", "--undefined-only", so)).Where(s => s.StartsWith("qemu_plugin_", StringComparison.Ordinal)).ToList();
        Assert.IsNotEmpty(used);
        CollectionAssert.IsSubsetOf(used, Qemu72PluginApi.ToList(), "a function QEMU 7.2 does not export: the plugin would fail to load");
    }

    [TestMethod]
    public void Decoder_EncodingsFromGnuAs_AllClassified()
    {
        using var dir = new TempDir();
        string exe = Path.Combine(dir.Path, "decode_test");
        var (exit, _, err) = Run("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", exe,
            Path.Combine(Recorder, "decode_test.c"), Path.Combine(Recorder, "decode.c"));
        Assert.AreEqual(0, exit, err);
        var (testExit, output, _) = Run(exe);
        Assert.AreEqual(0, testExit, output);
        StringAssert.Matches(output, new System.Text.RegularExpressions.Regex(@"^(\d+) of \1 decode cases passed"));
    }

    static List<string> Symbols((int Exit, string Out, string Err) nm)
    {
        Assert.AreEqual(0, nm.Exit, nm.Err);
        // "0000000000001790 T qemu_plugin_install" or "                 U qemu_plugin_outs": the name is the last field.
        return [.. nm.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2 && f[^2] is not ("w" or "v"))
            .Select(f => f[^1].Split('@')[0])];
    }
}

/// <summary>A scratch folder deleted at dispose.</summary>
sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tt-ttrecord-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
