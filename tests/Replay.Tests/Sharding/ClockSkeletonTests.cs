using System.Runtime.CompilerServices;
using TraceTools.Replay.Sharding;

namespace TraceTools.Tests.Sharding;

/// <summary>The skeleton's record size that docs/replay-engine.md ("Size, as built") and <see cref="ClockSkeleton.Capacity"/>'s comment quote.</summary>
[TestClass]
public sealed class ClockSkeletonTests
{
    [TestMethod]
    public void SkeletonAccess_Layout_Is32Bytes() => Assert.AreEqual(32, Unsafe.SizeOf<SkeletonAccess>());
}
