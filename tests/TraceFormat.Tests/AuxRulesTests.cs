using TraceTools.TraceFormat;
using TraceTools.TraceFormat.Internals;
using TraceTools.Tests.Support;

namespace TraceTools.Tests;

[TestClass]
public sealed class AuxRulesTests
{
    public static IEnumerable<object[]> Archs() => ArchNames.All.Select(a => new object[] { a });

    [TestMethod]
    [DynamicData(nameof(Archs))]
    public void Ok_EveryKindAndManyOperands_AgreesWithEventRules(Arch arch)
    {
        var m = new RandomTraces(17).Metadata(arch, extraAgents: 3);
        var ctx = new EventContext(m);
        var rules = new AuxRules(ctx);
        var rng = new Random(17);
        // Boundaries of every limit, every 16-bit code (barriers), and random 64-bit operands.
        var operands = Enumerable.Range(0, 1 << 16).Select(v => (ulong)v)
            .Concat([(ulong)ctx.LockCount, (ulong)ctx.AgentCount, uint.MaxValue, 1UL << 32, ulong.MaxValue])
            // device | treatment or direction << 16 (iommu_mode, dma_map): operands 0..3 over every agent and beyond.
            .Concat(Enumerable.Range(0, 4).SelectMany(t => Enumerable.Range(0, ctx.AgentCount + 2).Select(a => ((ulong)t << 16) | (uint)a)))
            .Concat([0xFFFFUL, 0x1FFFFUL, 0x2FFFFUL, 1UL << 48 | 1])
            .Concat(Enumerable.Range(0, 2000).Select(_ => (ulong)rng.NextInt64()));
        int valid = 0;
        foreach (ulong aux in operands)
            for (int kind = 0; kind < EventKinds.Count; kind++)
            {
                bool expected = EventRules.AuxOk(ctx, (EventKind)kind, aux);
                Assert.AreEqual(expected, rules.Ok(kind, aux), $"{(EventKind)kind} aux {aux}");
                valid += expected ? 1 : 0;
            }
        Assert.IsGreaterThan(0, valid);
    }

    [TestMethod]
    [DynamicData(nameof(Archs))]
    public void OneByteOk_EveryKindAndOneByteOperand_AgreesWithEventRules(Arch arch)
    {
        var ctx = new EventContext(new RandomTraces(18).Metadata(arch, extraAgents: 2));
        var rules = new AuxRules(ctx);
        int valid = 0;
        for (int kind = 0; kind < EventKinds.Count; kind++)
            for (int aux = 0; aux < AuxRules.OneByteValues; aux++)
            {
                bool expected = EventRules.AuxOk(ctx, (EventKind)kind, (ulong)aux);
                Assert.AreEqual(expected ? 1 : 0, rules.OneByteOk[kind * AuxRules.OneByteValues + aux], $"{(EventKind)kind} aux {aux}");
                valid += expected ? 1 : 0;
            }
        Assert.IsGreaterThan(0, valid);
        Assert.IsLessThan(EventKinds.Count * AuxRules.OneByteValues, valid);
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(26)]
    [DataRow(0xF0)]
    public void Ok_KindOutsideTheKinds_IsFalse(int kind) =>
        Assert.IsFalse(new AuxRules(new EventContext(new RandomTraces(3).Metadata(Arch.Arm64))).Ok(kind, 0));
}
