using System.Diagnostics;
using TraceTools.Tests.EndToEnd;

namespace TraceTools.Tests.Hardening;

/// <summary>A fresh directory per test, deleted at the end; helpers to write scenarios and run commands.</summary>
sealed class Scratch : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("tt-harden-").FullName;

    public string Path(string name) => System.IO.Path.Combine(Dir, name);

    public string Write(string name, string text)
    {
        string p = Path(name);
        File.WriteAllText(p, text);
        return p;
    }

    /// <summary>A small valid scenario (one store the device reads back after a doorbell).</summary>
    public const string Mailbox = """
        scenario "mailbox"
        arch arm64
        cpu cpu0
        device qm
        ram  xqc   0x8000_0000 size 0x40
        mmio qm_mb 0xfe00_0000 size 0x10 device qm
        cpu0: store xqc size 8 = 1 @ "fill"
        cpu0: barrier dma_wmb
        cpu0: mmio_write qm_mb size 4 = 1 @ "doorbell"
        qm:   dma_read xqc size 8 @ "fetch"
        expect none
        """;

    /// <summary>Compiles <see cref="Mailbox"/> to a trace file and returns its path.</summary>
    public string MailboxTrace(string name = "mb.trace")
    {
        string scn = Write(System.IO.Path.ChangeExtension(name, ".scn"), Mailbox);
        var (exit, _, err) = RepoPaths.Run("gen", scn, "-o", Path(name));
        Assert.AreEqual(0, exit, err);
        return Path(name);
    }

    /// <summary>Runs a system command (mkfifo, mknod); false when it is missing or not permitted.</summary>
    public static bool Shell(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The file type letter as <c>stat -c %F</c> prints it ("regular file", "fifo", "character special file").</summary>
    public static string TypeOf(string path)
    {
        var info = new ProcessStartInfo("stat") { RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("%F");
        info.ArgumentList.Add(path);
        using var p = Process.Start(info)!;
        string s = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return s;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
