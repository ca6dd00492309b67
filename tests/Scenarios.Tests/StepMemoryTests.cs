using TraceTools.Scenarios.Internals.Program;

namespace TraceTools.Tests;

/// <summary>
/// A compiled scenario's steps are held from the compile to the end of the generation (check, and gen within its
/// budget of held steps: HeldStepsTests): a resolved step keeps its resolved fields, not the operand trees it came from.
/// </summary>
[TestClass]
public sealed class StepMemoryTests
{
    [TestMethod]
    public void Compile_ConstantSteps_KeepNoOperandTrees()
    {
        var s = Gen.Compile(Gen.Header + """
            cpu0: store buf + 8 size 4 = 0x1234
            cpu0: store buf + 0x10 size 2 bytes "0102"
            cpu0: store buf + 0x20 size 8
            cpu0: load buf + 8 size 4
            dev:  fetch tab[1] granule 1
            cpu0: barrier dmb.ish
            """);
        Assert.HasCount(6, s.Steps);
        foreach (var step in s.Steps)
        {
            Assert.IsTrue(step.IsResolved);
            Assert.IsNull(step.Address);
            Assert.IsNull(step.Size);
            Assert.IsNull(step.Granule);
            Assert.IsNull(step.Value);
            Assert.IsNull(step.Bytes);
        }
        var events = Gen.Events(s);
        Assert.AreEqual(0x1234UL, Gen.Value(events, 0));
        Assert.AreEqual(0x0201UL, Gen.Value(events, 1));
    }

    [TestMethod]
    public void Compile_ValueReadingALoopVariable_KeptOnAResolvedStep()
    {
        // The address is constant (resolved at compile time), the value is not: it is evaluated per event.
        var s = Gen.Compile(Gen.Header + """
            repeat 3 as i {
              cpu0: store buf size 4 = i + 7
            }
            """);
        var store = s.Steps[1];
        Assert.IsTrue(store.IsResolved);
        Assert.IsNull(store.Address);
        Assert.IsNotNull(store.Value);
        var events = Gen.Events(s);
        Assert.AreEqual(3, events.Count);
        for (int i = 0; i < 3; i++) Assert.AreEqual((ulong)(i + 7), Gen.Value(events, i));
    }
}
