using TraceTools.Tests.Recorder.Support;

namespace TraceTools.Tests.Recorder.Qemu;

/// <summary>
/// The <c>qemu-system-aarch64</c> command lines the docs give (docs/recording.md, recorder/qemu/README.md)
/// pass every option recorder/qemu/record.sh passes, with the same value where record.sh's is fixed: the
/// script is what runs on a fresh Debian 12 (<c>-nic none</c>: without it QEMU looks for a NIC boot ROM
/// that the qemu-system-arm package does not ship, and stops).
/// </summary>
[TestClass]
public sealed class RecordCommandDocTests
{
    const string Qemu = "qemu-system-aarch64";

    public static IEnumerable<object[]> Docs =>
    [
        [Path.Combine("docs", "recording.md")],
        [Path.Combine("recorder", "qemu", "README.md")],
    ];

    [TestMethod]
    [DynamicData(nameof(Docs))]
    public void DocumentedQemuCommand_PassesWhatRecordShPasses(string doc)
    {
        var script = Commands(File.ReadAllText(Path.Combine(CProgram.Root, "recorder", "qemu", "record.sh")));
        Assert.HasCount(1, script, "record.sh runs qemu once");
        var documented = Commands(File.ReadAllText(Path.Combine(CProgram.Root, doc)));
        Assert.IsNotEmpty(documented, $"{doc} shows no {Qemu} command");
        Assert.AreEqual("none", script[0].GetValueOrDefault("-nic"), "record.sh passes -nic none");

        foreach (var command in documented)
            foreach (var (option, value) in script[0])
            {
                Assert.IsTrue(command.TryGetValue(option, out var shown), $"{doc}: a {Qemu} command lacks {option} {value}");
                // A value of the script's own ($out/..., "plugin,$events") is the reader's to choose.
                if (value is not null && !value.Contains('$', StringComparison.Ordinal))
                    Assert.AreEqual(value, shown, $"{doc}: {option}");
            }
    }

    /// <summary>
    /// The <c>qemu-system-aarch64</c> commands of a script or a page (backslash continuations joined), each as
    /// its options and their values (null for a flag).
    /// </summary>
    static List<Dictionary<string, string?>> Commands(string text)
    {
        var lines = text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        var commands = new List<Dictionary<string, string?>>();
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith('#')) continue; // a shell comment ("... run on qemu-system-aarch64 -M virt")
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            int at = tokens.IndexOf(Qemu);
            // A command, not a mention ("qemu-system-aarch64 7.2") or a probe (command -v, --version).
            if (at < 0 || at + 1 >= tokens.Count || !tokens[at + 1].StartsWith('-') || tokens[at + 1].StartsWith("--", StringComparison.Ordinal)) continue;
            var options = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (int i = at + 1; i < tokens.Count; i++)
            {
                if (!tokens[i].StartsWith('-')) continue;
                string? value = i + 1 < tokens.Count && !tokens[i + 1].StartsWith('-') && !tokens[i + 1].StartsWith('<') ? tokens[i + 1] : null;
                options[tokens[i]] = value;
            }
            commands.Add(options);
        }
        return commands;
    }
}
