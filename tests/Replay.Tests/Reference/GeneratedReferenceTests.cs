using TraceTools.Replay.Findings;

namespace TraceTools.Tests.Reference;

[TestClass]
public sealed class GeneratedReferenceTests
{
    /// <summary>
    /// What the differential and the generator's tests read from the shared findings is what the reference says of
    /// that seed's trace, in its order, inside the kept seeds and past them; a kept seed is computed once.
    /// </summary>
    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(777)]
    [DataRow(GeneratedReference.Seeds - 1)]
    [DataRow(GeneratedReference.Seeds)]
    public void Of_Seed_WhatTheReferenceSaysOfItsTrace(int seed)
    {
        var fresh = ReferenceModel.Run(TraceGenerator.Generate(seed));
        var shared = GeneratedReference.Of(seed);
        Assert.AreEqual(string.Join(" ", fresh), string.Join(" ", shared), $"seed {seed}");
        Assert.IsTrue(fresh.Zip(shared).All(p => p.First.SameAs(p.Second)), $"seed {seed}: related events");
        if (seed < GeneratedReference.Seeds) Assert.AreSame(shared, GeneratedReference.Of(seed), "kept, not computed again");
    }

    /// <summary>Neighbouring seeds' findings differ, so a cache keyed one seed off would fail the test above.</summary>
    [TestMethod]
    public void Of_NeighbouringSeeds_Differ()
    {
        int differ = 0;
        for (int seed = 0; seed < 20; seed++)
            if (string.Join(" ", GeneratedReference.Of(seed)) != string.Join(" ", GeneratedReference.Of(seed + 1))) differ++;
        Assert.IsGreaterThan(15, differ, "neighbouring seeds with different findings");
    }
}
