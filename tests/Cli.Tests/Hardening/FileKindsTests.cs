using TraceTools.Cli.Files;

namespace TraceTools.Tests.Hardening;

/// <summary>
/// What a path is, with statx and without it: a device node must never look like a regular file, or
/// <c>-o</c> renames a temporary file over it (that is how a test run of old code replaced /dev/null).
/// </summary>
[TestClass]
public sealed class FileKindsTests
{
    [TestMethod]
    public void Of_NullDeviceNode_CharDeviceWrittenInPlace()
    {
        using var s = new Scratch();
        string nul = s.Path("null");
        if (!Scratch.Shell("mknod", nul, "c", "1", "3")) Assert.Inconclusive("mknod is not permitted here");

        var kind = FileKinds.Of(nul);

        Assert.AreEqual(FileKind.CharDevice, kind);
        Assert.IsTrue(kind.IsStream());
    }

    [TestMethod]
    public void WithoutStatx_NullDeviceNode_NotRegularAndWrittenInPlace()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("the fallback keeps Regular off Linux");
        using var s = new Scratch();
        string nul = s.Path("null");
        if (!Scratch.Shell("mknod", nul, "c", "1", "3")) Assert.Inconclusive("mknod is not permitted here");

        var kind = FileKinds.WithoutStatx(nul);

        Assert.AreNotEqual(FileKind.Regular, kind);
        Assert.IsTrue(kind.IsStream(), $"{kind} would be replaced by a renamed temporary file");
    }

    [TestMethod]
    public void WithoutStatx_MissingAndDirectory_Told()
    {
        using var s = new Scratch();

        Assert.AreEqual(FileKind.Missing, FileKinds.WithoutStatx(s.Path("none")));
        Assert.AreEqual(FileKind.Directory, FileKinds.WithoutStatx(s.Dir));
    }
}
