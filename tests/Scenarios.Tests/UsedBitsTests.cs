using TraceTools.Scenarios.Writing;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>The <c>field</c> and <c>used</c> declarations (scenario-language.md, "Used bits").</summary>
[TestClass]
public sealed class UsedBitsTests
{
    // Lines 1..5.
    const string H = "arch arm64\ncpu c\ndevice smmu\nram buf 0x1000 size 0x100\ntable ste 0x4000 entries 4 entry_size 32 granule 8 present bit 0 fetcher smmu\n";

    static UsedBits? UsedOf(string text) => Gen.Compile(text).Metadata.Regions.Single(r => r.Name == "ste").UsedBits;

    [TestMethod]
    public void Used_NamedFieldsAndConditions_CompileToBitRunsAndMasks()
    {
        var used = UsedOf(H + "field ste CFG bits 3:1\nfield ste S2TTB qword 3 bits 51:4\nfield ste V bit 0\n"
            + "used ste CFG\nused ste S2TTB, bit 70 when CFG & 0b010 = 0b010 and V = 1\n");
        Assert.IsNotNull(used);
        Assert.HasCount(2, used.Rules);
        CollectionAssert.AreEqual(new[] { new EntryBits(1, 3) }, used.Rules[0].Bits.ToArray());
        Assert.IsEmpty(used.Rules[0].When);
        CollectionAssert.AreEqual(new[] { new EntryBits(196, 243), new EntryBits(70, 70) }, used.Rules[1].Bits.ToArray());
        CollectionAssert.AreEqual(new[] { new UsedCondition(new EntryBits(1, 3), 2, 2), new UsedCondition(new EntryBits(0, 0), 1, 1) },
            used.Rules[1].When.ToArray());
    }

    [TestMethod]
    public void Used_TableWithoutUsedLines_HasNoUsedBits() => Assert.IsNull(UsedOf(H));

    [TestMethod]
    public void Dump_UsedLines_CompileBackToTheSameTable()
    {
        var s = Gen.Compile(H + "field ste CFG bits 3:1\nused ste CFG\nused ste qword 1 bits 63:0, bit 2 when CFG & 1 = 1 and bits 5:4 = 2\nc: store ste[0] size 8 = 1\n");
        string text = ScenarioWriter.Write(s.Metadata, Gen.Events(s));
        StringAssert.Contains(text, "used ste bits 3:1\n");
        StringAssert.Contains(text, "used ste bits 127:64, bit 2 when bits 3:1 & 0x1 = 0x1 and bits 5:4 = 0x2\n");
        var again = Gen.Compile(text);
        CollectionAssert.AreEqual(s.Metadata.Regions.ToArray(), again.Metadata.Regions.ToArray());
    }

    [TestMethod]
    [DataRow(H + "used buf bit 1\n", 6, 6, "'buf' is not a table declared above")]
    [DataRow(H + "used stee bit 1\n", 6, 6, "(did you mean 'ste'?)")]
    [DataRow(H + "field ste CFG bits 3:1\nused ste CGF\n", 7, 10, "unknown field 'CGF' of table 'ste' (declare it with 'field ste CGF bits HIGH:LOW', or write the bits) (did you mean 'CFG'?)")]
    [DataRow(H + "field ste CFG bits 3:1\nfield ste CFG bit 4\n", 7, 11, "field 'CFG' of table 'ste' is already declared")]
    [DataRow(H + "field ste X bits 1:3\n", 6, 13, "bits 1:3 run downwards: write the high bit first (bits 3:1)")]
    [DataRow(H + "field ste X bits 256:250\n", 6, 13, "bits 256:250 lie outside the 32-byte entry of table 'ste' (bits 0..255)")]
    [DataRow(H + "field ste X qword 4 bit 0\n", 6, 19, "qword 4 is outside the 32-byte entry of table 'ste'")]
    [DataRow(H + "field ste X qword 1 bit 64\n", 6, 21, "bit 64 is outside a qword (0..63)")]
    [DataRow(H + "field ste X qword 0 bits 70:64\n", 6, 21, "bit 70 is outside a qword (0..63)")]
    [DataRow(H + "field ste X bits 3 1\n", 6, 20, "expected ':' between the high and the low bit")]
    [DataRow(H + "field ste X 3:1\n", 6, 13, "expected 'bits HIGH:LOW', 'bit N' or 'qword Q bits HIGH:LOW' but found number 3")]
    [DataRow(H + "used ste bit 1 when bits 3:1 = 8\n", 6, 32, "value 0x8 does not fit the 3-bit field")]
    [DataRow(H + "used ste bit 1 when bits 3:1 & 2 = 1\n", 6, 36, "value 0x1 has bits outside the mask 0x2: the condition never holds")]
    [DataRow(H + "used ste bit 1 when bits 3:1 & 9 = 1\n", 6, 32, "mask 0x9 does not fit the 3-bit field")]
    [DataRow(H + "used ste bit 1 when bits 100:0 = 1\n", 6, 21, "a condition reads at most 64 bits, and this field has 101")]
    [DataRow(H + "used ste bit 1 when bits 3:1 1\n", 6, 30, "expected '=' and the value the field must have")]
    [DataRow(H + "c: store buf size 4\nused ste bit 1\n", 7, 1, "declaration 'used' after the first step")]
    public void Used_BadDeclaration_ReportsFileLineColumn(string text, int line, int column, string message)
    {
        var e = Gen.Error(text);
        Assert.AreEqual(line, e.Line, e.Message);
        Assert.AreEqual(column, e.Column, e.Message);
        StringAssert.Contains(e.Message, message);
        StringAssert.StartsWith(e.Message, $"t.scn:{line}:{column}: ");
    }
}
