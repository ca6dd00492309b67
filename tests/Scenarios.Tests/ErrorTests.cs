namespace TraceTools.Tests;

[TestClass]
public sealed class ErrorTests
{
    // Lines 1..6; steps start on line 7.
    const string H = "arch arm64\ncpu c\ndevice d\nram buf 0x1000 size 0x100\nmmio regs 0x3000 size 0x10 device d\ntable tab 0x4000 entries 4 entry_size 32 granule 16 present bit 0 fetcher d\n";

    /// <summary>The error is one line at file:line:column and contains <paramref name="message"/>.</summary>
    internal static void AssertError(string text, int line, int column, string message)
    {
        var e = Gen.Error(text);
        Assert.AreEqual(line, e.Line, e.Message);
        Assert.AreEqual(column, e.Column, e.Message);
        Assert.AreEqual("t.scn", e.File);
        StringAssert.Contains(e.Message, message);
        StringAssert.StartsWith(e.Message, $"t.scn:{line}:{column}: ");
        Assert.IsFalse(e.Message.Contains('\n', StringComparison.Ordinal), "one line");
    }

    [TestMethod]
    [DataRow(H + "c: stor buf size 4\n", 7, 4, "unknown op 'stor' (did you mean 'store'?)")]
    [DataRow(H + "c: barrier dmb.oshs\n", 7, 12, "unknown barrier 'dmb.oshs' for arch arm64 (did you mean 'dmb.oshst'?)")]
    [DataRow(H + "c: barrier mfence\n", 7, 12, "barrier 'mfence' is not valid for arch arm64")]
    [DataRow("arch sc\ncpu c\nc: barrier dmb.sy\n", 3, 12, "sc accepts only")]
    [DataRow(H + "cc: store buf size 4\n", 7, 1, "unknown agent 'cc' (did you mean 'c'?)")]
    [DataRow(H + "c: store bfu size 4\n", 7, 10, "unknown region 'bfu' (did you mean 'buf'?)")]
    [DataRow(H + "d: fetch tabb[0] granule 0\n", 7, 10, "unknown table 'tabb' (did you mean 'tab'?)")]
    [DataRow(H + "c: dev_invalidate dd all\n", 7, 19, "device 'dd' is not declared")]
    [DataRow(H + "c: take_irq c\n", 7, 13, "is a cpu: expected a device")]
    [DataRow(H + "expect stale-dma-raed\n", 7, 8, "unknown finding kind 'stale-dma-raed' (did you mean 'stale-dma-read'?)")]
    [DataRow(H + "lett x = 1\n", 7, 1, "unknown statement 'lett' (did you mean 'let'?)")]
    [DataRow(H + "let n = 2\nc: store buf + m size 4\n", 8, 16, "unknown name 'm' in expression (did you mean 'n'?)")]
    [DataRow("arch arm65\n", 1, 6, "unknown arch 'arm65'")]
    public void Compile_UnknownName_ReportsPositionAndSuggestion(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    [DataRow(H + "d: store buf size 4\n", 7, 4, "'store' is a cpu op but 'd' is a device")]
    [DataRow(H + "c: dma_read buf size 4\n", 7, 4, "'dma_read' is a device op but 'c' is a cpu")]
    [DataRow(H + "c: raise_irq\n", 7, 4, "is a device op")]
    [DataRow("arch sc\ncpu c\ndevice d cpu\n", 3, 10, "expected 'coherent', 'noncoherent' or 'iommu' but found 'cpu'")]
    [DataRow("arch sc\ncpu c\ndevice d noncoherent cpu\n", 3, 22, "expected 'iommu' or the end of the line but found 'cpu'")]
    [DataRow("arch sc\ncpu c\ndevice d iommu bypas\n", 3, 16, "unknown IOMMU mode 'bypas': expected translate | bypass | abort (did you mean 'bypass'?)")]
    [DataRow("arch sc\ncpu c\ndevice d iommu\n", 3, 15, "expected the IOMMU mode (translate | bypass | abort)")]
    public void Compile_OpForWrongAgentKind_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    [DataRow(H + "c: store buf + 0x100 size 4\n", 7, 10, "address 0x1100 is outside every region")]
    [DataRow(H + "c: store buf + 0xfe size 4\n", 7, 10, "straddles the end of region 'buf'")]
    [DataRow(H + "repeat 300 as i {\nc: store buf + i size 1\n}\n", 8, 10, "address 0x1100 is outside every region")]
    [DataRow(H + "c: store regs size 4\n", 7, 10, "'store' may not touch mmio region 'regs'")]
    [DataRow(H + "c: cache_clean regs size 4\n", 7, 16, "may not touch mmio region")]
    [DataRow(H + "d: dma_read regs size 4\n", 7, 13, "may not touch mmio region")]
    [DataRow(H + "c: mmio_write buf size 4 = 1\n", 7, 15, "'mmio_write' needs an mmio region, but 'buf' is a ram region")]
    [DataRow(H + "c: readl tab\n", 7, 10, "needs an mmio region, but 'tab' is a table")]
    [DataRow(H + "c: store buf[1] size 4\n", 7, 13, "'buf' is not a table")]
    [DataRow("arch sc\ncpu c\ndevice d, e\n", 3, 9, "expected end of line but found ','")]
    [DataRow("arch sc\ncpu c\ndevice d\ndevice e\ntable t 0 entries 1 entry_size 16 granule 16 present bit 0 fetcher d\ne: fetch t[0] granule 0\n", 6, 10, "only the fetcher 'd' may fetch table 't'")]
    [DataRow(H + "c: dev_invalidate d buf[0]\n", 7, 21, "'buf' is not a table")]
    public void Compile_WrongRegion_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    [DataRow("arch sc\nram a 0x1000 size 0x100\nram b 0x10ff size 1\n", 3, 7, "region 'b' (0x10ff..0x1100) overlaps region 'a' (0x1000..0x1100)")]
    [DataRow("arch sc\nram a 0x1000 size 0x100\nsync b 0x800 size 0x1000\n", 3, 8, "overlaps region 'a'")]
    [DataRow("arch sc\nram a 0 size 0\n", 2, 14, "has size 0")]
    [DataRow("arch sc\nram a 0xffff_ffff_ffff_fff0 size 0x100\n", 2, 34, "runs past the end")]
    [DataRow("arch sc\ndevice d\ntable t 0 entries 4 entry_size 24 granule 16 present bit 0 fetcher d\n", 3, 32, "entry_size 24 is not a multiple of granule 16")]
    [DataRow("arch sc\ndevice d\ntable t 0 entries 4 entry_size 16 granule 16 present bit 128 fetcher d\n", 3, 58, "present bit 128 is outside the entry")]
    [DataRow("arch sc\ndevice d\ntable t 0 entries 0 entry_size 16 granule 16 present bit 0 fetcher d\n", 3, 19, "at least 1 entry")]
    [DataRow("arch sc\ndevice d\ntable t 0 entries 1 entry_size 8192 granule 8192 present bit 0 fetcher d\n", 3, 45, "granule 8192 is out of range")]
    [DataRow("arch sc\nmmio r 0 size 4 device q\n", 2, 24, "device 'q' is not declared")]
    [DataRow("arch sc\ncpu q\nmmio r 0 size 4 device q\n", 3, 24, "'q' is a cpu")]
    [DataRow("arch sc\ncpu c\nram c 0 size 4\n", 3, 5, "'c' is already declared on line 2")]
    [DataRow("arch sc\narch sc\n", 2, 1, "second 'arch'")]
    public void Compile_BadDeclaration_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    /// <summary>
    /// A step's address may leave the region its operand names: it then lies in whichever region holds its first byte
    /// (found by a search over the regions by base), or it is an error. Held to the rule written out, a walk over every
    /// region, on random layouts of adjacent and spaced regions, with the step in a loop (resolved per event) and not.
    /// </summary>
    [TestMethod]
    public void Compile_AddressOutsideItsOperandsRegion_TheRegionHoldingItsFirstByte()
    {
        var rng = new Random(20261206);
        for (int round = 0; round < 300; round++)
        {
            var regions = new List<(ulong Base, ulong Size)>();
            ulong at = 0x1000;
            for (int r = 0; r < rng.Next(1, 6); r++)
            {
                at += rng.Next(3) == 0 ? (ulong)rng.Next(1, 0x20) : 0; // adjacent or a gap
                ulong size = (ulong)rng.Next(1, 0x40);
                regions.Add((at, size));
                at += size;
            }
            ulong offset = (ulong)rng.Next(0, (int)(at - regions[0].Base) + 8);
            int accessSize = rng.Next(1, 9);
            bool loop = rng.Next(2) == 0;
            string text = "arch sc\ncpu c\n" + string.Concat(regions.Select((r, i) => $"ram r{i} 0x{r.Base:x} size 0x{r.Size:x}\n"))
                + (loop ? $"repeat 1 as i {{\nc: store r0 + 0x{offset:x} + i size {accessSize}\n}}\n" : $"c: store r0 + 0x{offset:x} size {accessSize}\n");
            ulong address = regions[0].Base + offset;

            int holder = regions.FindIndex(r => address >= r.Base && address < r.Base + r.Size);
            string? expected = holder < 0 ? "is outside every region"
                : address + (ulong)accessSize > regions[holder].Base + regions[holder].Size ? $"straddles the end of region 'r{holder}'" : null;

            if (expected is null) Assert.AreEqual(address, Gen.Events(text)[0].Address, text);
            else StringAssert.Contains(Gen.Error(text).Message, expected, text);
        }
    }

    [TestMethod]
    public void Compile_AdjacentRegions_AreNotAnOverlap()
    {
        // [0xff0, 0x1000), [0x1000, 0x1100) and [0x1100, 0x1110) share no byte: a region that ends exactly where
        // another begins (declared before or after it) does not overlap it.
        var s = Gen.Compile("arch sc\ncpu c\nram a 0x1000 size 0x100\nsync b 0x1100 size 0x10\nram z 0xff0 size 0x10\nc: store a + 0xff size 1\nc: store b size 1\nc: store z + 0xf size 1\n");
        Assert.HasCount(3, s.Metadata.Regions);
        var b = Gen.Events(s);
        CollectionAssert.AreEqual(new ulong[] { 0x10ff, 0x1100, 0xfff }, new[] { b[0].Address, b[1].Address, b[2].Address });
    }

    [TestMethod]
    [DataRow(H + "c: store tab[4] size 4\n", 7, 14, "entry index 4 is out of range for table 'tab' (0..3)")]
    [DataRow(H + "d: fetch tab[9] granule 0\n", 7, 14, "entry index 9 is out of range")]
    [DataRow(H + "d: fetch tab[0] granule 2\n", 7, 25, "granule 2 is out of range for table 'tab' (0..1")]
    [DataRow(H + "c: dev_invalidate d tab[7]\n", 7, 25, "entry index 7 is out of range")]
    [DataRow(H + "repeat 5 as i {\nd: fetch tab[i] granule 0\n}\n", 8, 14, "entry index 4 is out of range")]
    public void Compile_EntryOutOfRange_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    [DataRow(H + "c: store buf size 0x\n", 7, 19, "malformed number '0x'")]
    [DataRow(H + "c: store buf size 12ab\n", 7, 19, "malformed number '12ab'")]
    [DataRow(H + "c: store buf size 0xfg\n", 7, 19, "malformed number '0xfg'")]
    [DataRow(H + "c: store buf size 1__0\n", 7, 19, "'_' only between digits")]
    [DataRow(H + "c: store buf size 4_\n", 7, 19, "'_' only between digits")]
    [DataRow(H + "let x = 0x1_0000_0000_0000_0000\n", 7, 9, "does not fit in 64 bits")]
    [DataRow(H + "let x = 99999999999999999999\n", 7, 9, "does not fit in 64 bits")]
    [DataRow(H + "let x = 18446744073709551616\n", 7, 9, "number '18446744073709551616' does not fit in 64 bits")]
    [DataRow(H + "c: store buf size 4 @ \"a\\qb\"\n", 7, 25, "unknown escape in string")]
    [DataRow(H + "c: store buf size 4 bytes \"0102030\"\n", 7, 27, "odd number of hex digits")]
    [DataRow(H + "c: store buf size 4 bytes \"010203zz\"\n", 7, 34, "expected hex digits but found 'zz'")]
    [DataRow(H + "c: store buf size 4 bytes \"0102\"\n", 7, 27, "holds 2 bytes but the size is 4")]
    [DataRow(H + "c: store buf size 4 @ \"abc\n", 7, 23, "unterminated string")]
    [DataRow(H + "c: store buf size 4 $\n", 7, 21, "unexpected character '$'")]
    public void Compile_MalformedLiteral_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    [DataRow(H + "repeat 2 as i {\nc: store buf size 4\n", 7, 1, "unclosed 'repeat' block")]
    [DataRow(H + "repeat 2 as i {\nrepeat 2 as j {\nc: store buf size 4\n}\n", 7, 1, "unclosed 'repeat' block")]
    [DataRow(H + "}\n", 7, 1, "unexpected '}'")]
    [DataRow(H + "repeat 2 as i\nc: store buf size 4\n}\n", 7, 14, "expected '{' at the end of the repeat line")]
    [DataRow(H + "repeat 2 as i {\nexpect none\n}\n", 8, 1, "'expect' lines stand at top level")]
    [DataRow(H + "repeat 2 as buf {\n}\n", 7, 13, "loop variable 'buf' shadows the name declared on line 4")]
    [DataRow(H + "repeat 2 as i {\nrepeat 2 as i {\n}\n}\n", 8, 13, "shadows the variable of an enclosing repeat")]
    [DataRow(H + "c: store buf size 4\nram late 0x9000 size 4\n", 8, 1, "declaration 'ram' after the first step")]
    [DataRow(H + "c: store buf size 4 = 1 2\n", 7, 25, "expected end of line")]
    [DataRow(H + "c store buf size 4\n", 7, 3, "expected ':' after agent 'c'")]
    [DataRow(H + "c: store buf 4\n", 7, 14, "expected 'size' but found number 4")]
    [DataRow(H + "c: mmio_write regs size 4\n", 7, 26, "expected '= VALUE' or 'bytes \"HEX\"'")]
    public void Compile_BadStructure_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    [DataRow("cpu c\nram m 0 size 4\nc: store m size 4\n", 3, 1, "no 'arch' declaration")]
    [DataRow("cpu c\n", 2, 1, "no 'arch' declaration")]
    public void Compile_NoArch_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    [DataRow(H + "c: store buf size 0\n", 7, 19, "size 0 is out of range: expected 1..4096")]
    [DataRow(H + "c: store buf size 4097\n", 7, 19, "size 4097 is out of range")]
    [DataRow(H + "c: cache_flush buf size 0\n", 7, 25, "size 0 is out of range")]
    [DataRow(H + "repeat 2 as i {\nc: load buf size i\n}\n", 8, 18, "size 0 is out of range")]
    public void Compile_BadSize_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    public void Generate_LoopSizeOfExactly4096_IsAccepted()
    {
        // Sizes are 1..4096 whether constant or read from a loop variable: 4096 - 0 is the largest allowed.
        var b = Gen.Events("arch sc\ncpu c\nram big 0x10000 size 0x2000\nrepeat 2 as i {\nc: store big size 4096 - i\n}\n");
        Assert.AreEqual(2, b.Count);
        Assert.AreEqual(4096, b[0].Size);
        Assert.AreEqual(4095, b[1].Size);
    }

    [TestMethod]
    [DataRow(H + "c: store buf size 1 = 0x100\n", 7, 23, "value 0x100 does not fit in 1 byte")]
    [DataRow(H + "c: store buf size 4 = -1\n", 7, 23, "value 0xffffffffffffffff does not fit in 4 bytes")]
    [DataRow(H + "c: writel regs = 0x1_0000_0000\n", 7, 18, "does not fit in 4 bytes")]
    [DataRow(H + "repeat 2 as i {\nc: store buf size 1 = 0xff + i\n}\n", 8, 23, "value 0x100 does not fit in 1 byte")]
    public void Compile_ValueTooWide_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    [DataRow(H + "let x = 0xffff_ffff_ffff_ffff + 1\n", 7, 31, "expression overflow")]
    [DataRow(H + "let x = 1 - 2\n", 7, 11, "is below 0")]
    [DataRow(H + "let x = 0x1_0000_0000 * 0x1_0000_0000\n", 7, 23, "expression overflow")]
    [DataRow(H + "let x = 1 << 64\n", 7, 11, "shift by 64")]
    [DataRow(H + "let x = 1 >> 70\n", 7, 11, "shift by 70")]
    [DataRow(H + "let x = 5 / 0\n", 7, 11, "division by zero")]
    [DataRow(H + "let x = 5 % (1 - 1)\n", 7, 11, "division by zero")]
    [DataRow(H + "repeat 3 as i {\nc: store buf + (1 - i) size 1\n}\n", 8, 19, "is below 0")]
    [DataRow(H + "repeat 3 as i {\nc: store buf + 8 / (1 - i) size 1\n}\n", 8, 18, "division by zero")]
    [DataRow(H + "repeat 2 as i {\nc: store buf + (1 << (63 + i)) / (1 << 62) size 1\n}\n", 8, 19, "shift by 64")]
    public void Compile_ArithmeticError_Fails(string text, int line, int column, string message) =>
        AssertError(text, line, column, message);

    [TestMethod]
    public void Compile_OverrideWithoutLet_FailsWithSuggestion()
    {
        var e = Gen.Error(H + "let count = 1\n", new Dictionary<string, ulong> { ["cout"] = 2 });
        Assert.AreEqual("t.scn: --set cout: the scenario has no 'let cout' (did you mean 'count'?)", e.Message);
    }

    [TestMethod]
    public void CompileFile_ErrorMessage_NamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"scn-{Guid.NewGuid():N}.scn");
        File.WriteAllText(path, "arch arm64\ncpu c\nc: barrier dmb.oshs\n");
        try
        {
            var e = Assert.ThrowsExactly<Scenarios.ScenarioException>(() => Scenarios.ScenarioCompiler.CompileFile(path));
            Assert.AreEqual($"{path}:3:12: unknown barrier 'dmb.oshs' for arch arm64 (did you mean 'dmb.oshst'?)", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

[TestClass]
public sealed class LimitTests
{
    const string H = "arch sc\ncpu c\nram buf 0 size 0x100000\n";

    [TestMethod]
    public void Compile_DeeplyNestedParentheses_FailsInsteadOfOverflowingTheStack()
    {
        var e = Gen.Error(H + "let x = " + new string('(', 100_000) + "1" + new string(')', 100_000) + "\n");
        Assert.AreEqual(4, e.Line);
        Assert.AreEqual(9 + 200, e.Column);
        StringAssert.Contains(e.Message, "nested more than 200 deep");
    }

    [TestMethod]
    public void Compile_LongChainOnLoopVariable_FailsInsteadOfOverflowingTheStack()
    {
        var e = Gen.Error(H + "repeat 2 as i {\nc: store buf + i" + string.Concat(Enumerable.Repeat(" + i", 100_000)) + " size 1\n}\n");
        Assert.AreEqual(5, e.Line);
        StringAssert.Contains(e.Message, "expression too long");
    }

    [TestMethod]
    public void Compile_LongConstantChain_Folds()
    {
        var b = Gen.Events(H + "let x = 0" + string.Concat(Enumerable.Repeat(" + 1", 100_000)) + "\nc: store buf + x size 1\n");
        Assert.AreEqual(100_000UL, b.Addresses[0]);
    }

    [TestMethod]
    public void Compile_DeeplyNestedRepeat_Fails()
    {
        var text = H + string.Concat(Enumerable.Range(0, 100).Select(i => $"repeat 1 as v{i} {{\n")) + string.Concat(Enumerable.Repeat("}\n", 100));
        var e = Gen.Error(text);
        Assert.AreEqual(4 + 64, e.Line);
        StringAssert.Contains(e.Message, "nested more than 64 deep");
    }
}
