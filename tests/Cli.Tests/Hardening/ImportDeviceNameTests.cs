namespace TraceTools.Tests.Hardening;

/// <summary><c>import --device-name</c>'s values: NAME=DEVICE, one device per name; else one usage line, exit 2.</summary>
[TestClass]
public sealed class ImportDeviceNameTests
{
    const string Layout = """
        scenario "two"
        arch arm64
        cpu cpu0
        device nic noncoherent
        device nvme
        ram ring 0x80000000 size 0x10000
        """;

    const string Irq = "          <idle>-0       [000] d.h1.     0.000001: irq_handler_entry: irq=25 name=eth0=rx\n";

    [TestMethod]
    [DataRow("nic", "--device-name takes NAME=DEVICE (the trace's name, the layout's device), not 'nic'")]
    [DataRow("=nic", "--device-name takes NAME=DEVICE (the trace's name, the layout's device), not '=nic'")]
    [DataRow("eth0=", "--device-name takes NAME=DEVICE (the trace's name, the layout's device), not 'eth0='")]
    public void Import_MalformedDeviceName_UsageExit2(string value, string message)
    {
        using var s = new Scratch();
        var (exit, stdout, err) = EndToEnd.RepoPaths.Run("import", "ftrace", s.Write("t.txt", Irq), "--layout", s.Write("l.scn", Layout),
            "--device-name", value, "-o", s.Path("out.trace"));
        Assert.AreEqual(2, exit, err);
        Assert.AreEqual("", stdout);
        StringAssert.StartsWith(err, $"tracetools import: {message}");
        Assert.IsFalse(File.Exists(s.Path("out.trace")));
    }

    [TestMethod]
    public void Import_OneNameTwoDevices_UsageExit2()
    {
        using var s = new Scratch();
        var (exit, _, err) = EndToEnd.RepoPaths.Run("import", "ftrace", s.Write("t.txt", Irq), "--layout", s.Write("l.scn", Layout),
            "--device-name", "eth0=nic", "--device-name", "eth0=nvme", "-o", s.Path("out.trace"));
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--device-name gives 'eth0' two devices, 'nic' and 'nvme'");
    }

    [TestMethod]
    public void Import_NameWithAnEqualsSign_SplitAtTheLast()
    {
        // An irq may be requested under any string, '=' included; a layout's device names have none.
        using var s = new Scratch();
        var (exit, _, err) = EndToEnd.RepoPaths.Run("import", "ftrace", s.Write("t.txt", Irq), "--layout", s.Write("l.scn", Layout),
            "--device-name", "eth0=rx=nvme", "-o", s.Path("out.trace"), "--quiet");
        Assert.AreEqual(0, exit, err);
        var (_, dump, _) = EndToEnd.RepoPaths.Run("dump", s.Path("out.trace"));
        StringAssert.Contains(dump, "cpu0: take_irq nvme");
    }

    [TestMethod]
    [DataRow("steps")]
    [DataRow("qemu")]
    [DataRow("mmiotrace")]
    public void Import_DeviceNameForAFormatNamingNoDevices_UsageExit2(string format)
    {
        // Silently ignored, the option would look like it had mapped something.
        using var s = new Scratch();
        var (exit, _, err) = EndToEnd.RepoPaths.Run("import", format, s.Write("t.txt", ""), "--layout", s.Write("l.scn", Layout),
            "--device-name", "eth0=nic", "-o", s.Path("out.trace"));
        Assert.AreEqual(2, exit, err);
        StringAssert.StartsWith(err, $"tracetools import: --device-name applies to input that names devices its own way (ftrace), not to {format}");
        Assert.IsFalse(File.Exists(s.Path("out.trace")));
    }
}
