namespace TraceTools.Tests;

/// <summary>An unknown arch written as uname, compilers or distributions name it: the error names the language's name.</summary>
[TestClass]
public sealed class ArchAliasTests
{
    [TestMethod]
    [DataRow("aarch64", "arm64")]
    [DataRow("arm", "arm64")]
    [DataRow("armv8", "arm64")]
    [DataRow("AArch64", "arm64")]
    [DataRow("ARM64", "arm64")]
    [DataRow("x86", "x86_64")]
    [DataRow("x64", "x86_64")]
    [DataRow("amd64", "x86_64")]
    [DataRow("riscv", "riscv64")]
    public void Arch_CommonAlias_SuggestsTheLanguageName(string written, string suggested) =>
        ErrorTests.AssertError($"arch {written}\n", 1, 6, $"unknown arch '{written}': expected arm64, x86_64, riscv64 or sc (did you mean '{suggested}'?)");

    [TestMethod]
    public void Arch_X86Hyphen64_IsQuotedWholeAndSuggestsX86_64() =>
        ErrorTests.AssertError("arch x86-64\n", 1, 6, "unknown arch 'x86-64': expected arm64, x86_64, riscv64 or sc (did you mean 'x86_64'?)");
}
