using System.Buffers.Binary;
using TraceTools.Replay.Firmware;
using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>smc/hvc FID [xN=V ...] and ret [same] [xN=V ...] (scenario-language.md, "Firmware calls").</summary>
[TestClass]
public sealed class FirmwareStepTests
{
    const string H = "arch arm64\ncpu c, d\n";

    static ulong[] Registers(EventBatch b, int i)
    {
        var data = b.GetData(i);
        Assert.AreEqual(EventKinds.RegisterBytes, data.Length, $"bytes of #{i}");
        var regs = new ulong[18];
        for (int r = 0; r < 18; r++) regs[r] = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(8 * r, 8));
        return regs;
    }

    static ulong[] Regs(params (int R, ulong V)[] set)
    {
        var regs = new ulong[18];
        foreach (var (r, v) in set) regs[r] = v;
        return regs;
    }

    [TestMethod]
    public void Smc_FidAndRegisters_X0IsTheFidUnwrittenAreZero()
    {
        var b = Gen.Events(H + "c: smc 0x8400006f x1=0x8001 x17=-1 @ \"site\"\n");
        Assert.AreEqual(1, b.Count);
        Assert.AreEqual(EventKind.FirmwareCall, b.Kinds[0]);
        Assert.AreEqual((uint)FirmwareConduit.Smc, b.Aux[0]);
        Assert.AreEqual(EventKinds.RegisterBytes, b.Sizes[0]);
        Assert.AreEqual(0ul, b.Addresses[0]);
        Assert.AreEqual(0, b.Sites[0]);
        CollectionAssert.AreEqual(Regs((0, 0x8400006f), (1, 0x8001), (17, ulong.MaxValue)), Registers(b, 0));
    }

    [TestMethod]
    public void Ret_ClosesTheInnermostCallOfItsCpu_TakesItsConduit()
    {
        var b = Gen.Events(H + "c: hvc 1\nd: smc 2\nc: smc 3\nc: ret\nc: ret\nd: ret x0=9\n");
        Assert.AreEqual(EventKind.FirmwareReturn, b.Kinds[3]);
        Assert.AreEqual((uint)FirmwareConduit.Smc, b.Aux[3], "closes c's smc 3");
        Assert.AreEqual((uint)FirmwareConduit.Hvc, b.Aux[4], "closes c's hvc 1");
        Assert.AreEqual((uint)FirmwareConduit.Smc, b.Aux[5], "closes d's smc 2");
        CollectionAssert.AreEqual(Regs(), Registers(b, 3), "unwritten registers are 0");
        CollectionAssert.AreEqual(Regs((0, 9)), Registers(b, 5));
    }

    [TestMethod]
    public void RetSame_CopiesTheCallsRegisters_ThenWritesTheGivenOnes()
    {
        var b = Gen.Events(H + "c: smc 0x84000063 x1=5 x8=8 x9=9\nc: ret same x0=0x10002 x9=0\n");
        CollectionAssert.AreEqual(Regs((0, 0x10002), (1, 5), (8, 8)), Registers(b, 1));
    }

    [TestMethod]
    public void Registers_ReadLoopVariables_EvaluatedPerIteration()
    {
        var b = Gen.Events(H + "repeat 3 as i {\nc: smc 0x84000063 x2=i * 2\nc: ret same x3=i\n}\n");
        Assert.AreEqual(6, b.Count);
        CollectionAssert.AreEqual(Regs((0, 0x84000063), (2, 4), (3, 2)), Registers(b, 5));
    }

    [TestMethod]
    [DataRow(H + "c: ret\n", 3, 4, "'ret' on c with no open smc/hvc call")]
    [DataRow(H + "c: smc 1\nd: ret\n", 4, 4, "'ret' on d with no open smc/hvc call")]
    [DataRow(H + "c: smc 1\nc: ret\nc: ret same\n", 5, 4, "'ret' on c with no open smc/hvc call")]
    [DataRow(H + "repeat 2 as i {\nc: smc 1\n}\nrepeat 3 as i {\nc: ret\n}\n", 7, 4, "'ret' on c with no open smc/hvc call")]
    [DataRow(H + "c: smc 1 x0=2\n", 3, 10, "x0 is the function ID: write it right after 'smc'")]
    [DataRow(H + "c: hvc 1 x2=1 x2=3\n", 3, 15, "x2 is given twice")]
    [DataRow(H + "c: smc 1 x18=1\n", 3, 10, "'x18' is not passed in a firmware call: smc carries x0..x17")]
    [DataRow(H + "c: smc 1 x01=1\n", 3, 10, "expected a register x1..x17 = VALUE or '@ \"site\"' but found 'x01'")]
    [DataRow(H + "c: smc 1 x1 2\n", 3, 13, "expected '=' after x1 but found number 2")]
    [DataRow(H + "c: smc 0x1_0000_0000\n", 3, 8, "function ID 0x100000000 does not fit in 32 bits")]
    [DataRow(H + "repeat 2 as i {\nc: smc 0xffffffff + i\nc: ret\n}\n", 4, 8, "function ID 0x100000000 does not fit in 32 bits")]
    [DataRow(H + "c: smc 1\nc: ret x1=2 same\n", 4, 13, "'same' comes right after 'ret'")]
    [DataRow("arch x86_64\ncpu c\nc: smc 1\n", 3, 4, "'smc' is an arm64 instruction: arch x86_64 has no smc/hvc firmware calls")]
    [DataRow("arch riscv64\ncpu c\nc: ret\n", 3, 4, "'ret' is an arm64 instruction: arch riscv64")]
    [DataRow("arch sc\ncpu c\nc: hvc 1\n", 3, 4, "'hvc' is an arm64 instruction: arch sc")]
    [DataRow("arch arm64\ncpu c\ndevice dev\ndev: smc 1\n", 4, 6, "'smc' is a cpu op but 'dev' is a device")]
    public void FirmwareStep_BadInput_OneLineErrorAtLineColumn(string text, int line, int column, string message)
    {
        var e = Gen.Error(text);
        Assert.AreEqual(line, e.Line, e.Message);
        Assert.AreEqual(column, e.Column, e.Message);
        StringAssert.Contains(e.Message, message);
        StringAssert.StartsWith(e.Message, $"t.scn:{line}:{column}: ");
        Assert.IsFalse(e.Message.Contains('\n', StringComparison.Ordinal), "one line");
    }

    /// <summary>Calls nest at most <see cref="FirmwareNesting.MaxDepth"/> deep per cpu (model.md §12): straight-line steps at compile time, in a repeat when generation reaches the call.</summary>
    [TestMethod]
    [DataRow(false, 3 + 64, 4)]
    [DataRow(true, 4, 4)]
    public void FirmwareStep_NestedBeyondTheCap_ErrorAtTheCall(bool inRepeat, int line, int column)
    {
        string text = inRepeat
            ? H + "repeat 65 as i {\nc: hvc 1\n}\n"
            : H + string.Concat(Enumerable.Repeat("c: hvc 1\n", 65));
        var e = Gen.Error(text);
        Assert.AreEqual(line, e.Line, e.Message);
        Assert.AreEqual(column, e.Column, e.Message);
        StringAssert.Contains(e.Message, "hvc on c opens a firmware call nested 65 deep: calls nest at most 64 deep per cpu");
    }

    [TestMethod]
    public void FirmwareStep_NestedToTheCap_Generated()
    {
        var b = Gen.Events(H + string.Concat(Enumerable.Repeat("c: smc 1\n", 64)) + string.Concat(Enumerable.Repeat("c: ret\n", 64)));
        Assert.AreEqual(128, b.Count);
    }

    [TestMethod]
    public void RetWithoutCall_StraightLine_FailsAtCompileWithoutGenerating()
    {
        var e = Assert.ThrowsExactly<TraceTools.Scenarios.ScenarioException>(() => Gen.Compile(H + "c: smc 1\nc: ret\nc: ret\n"));
        Assert.AreEqual(5, e.Line);
    }

    [TestMethod]
    public void Dump_FirmwareSteps_CompileBackToTheSameEvents()
    {
        const string text = H + "c: hvc 0x84000063 x1=0x10002\nc: smc 0xc400008d x17=7 @ \"fwd\"\nc: ret x0=0xc400008e x4=4\nc: ret same x0=0x10002\n";
        var b = Gen.Events(text);
        var dumped = TraceTools.Scenarios.Writing.ScenarioWriter.Write(Gen.Compile(text).Metadata, b);
        StringAssert.Contains(dumped, "c: hvc 0x84000063 x1=0x10002\n");
        StringAssert.Contains(dumped, "c: ret x0=0x10002 x1=0x10002\n");
        var again = Gen.Events(dumped);
        Assert.AreEqual(b.Count, again.Count);
        for (int i = 0; i < b.Count; i++)
        {
            Assert.AreEqual(b[i], again[i], $"event #{i}");
            CollectionAssert.AreEqual(b.GetData(i).ToArray(), again.GetData(i).ToArray(), $"bytes of #{i}");
        }
    }
}
