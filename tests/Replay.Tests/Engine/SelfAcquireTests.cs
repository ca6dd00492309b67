using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Contract v1.1 "an access sees its own bytes" (deviation 2): a cpu load covering an entry's present word and
/// payload acquires through the present word, and that release counts for its own payload bytes. A plain
/// acquire still holds back the cpu's later loads until a read barrier.
/// </summary>
[TestClass]
public sealed class SelfAcquireTests
{
    static TraceBuilder System(Arch arch)
    {
        var t = TraceBuilder.OneDevice(arch).Device("ring");
        t.Table("desc", 0x10_0000, 4, 32, 16, 0, "ring");
        return t;
    }

    [TestMethod]
    [DataRow(Arch.Arm64, false, false)]   // the wide load alone: its own payload bytes are ordered
    [DataRow(Arch.Riscv64, false, false)]
    [DataRow(Arch.Arm64, true, true)]     // a later payload load without a read barrier is not
    [DataRow(Arch.Riscv64, true, true)]
    [DataRow(Arch.X86_64, true, false)]   // x86 keeps r→r
    public void StaleCpuRead_LoadCoveringPresentWordAndPayload_OwnBytesOrdered(Arch arch, bool laterLoad, bool stale)
    {
        var t = System(arch);
        ulong e = t.Entry("desc", 1);
        long w = t.DmaWrite("ring", e + 8, 8, 0xbeef);            // payload
        t.DmaWrite("ring", e, 8, 1);                               // OWN/present word: the release
        long acquire = t.Load("cpu0", e, 16);                      // present word + payload in one load
        long later = laterLoad ? t.Load("cpu0", e + 8, 8) : -1;
        var findings = t.Replay(new HashSet<FindingKind> { FindingKind.StaleCpuRead });
        if (stale) FindingAssert.Exactly(findings, $"stale-cpu-read@{later}[dma-write={w},acquire={acquire}]");
        else FindingAssert.None(findings);
    }
}
