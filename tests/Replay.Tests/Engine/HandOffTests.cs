using TraceTools.Replay.Sharding;

namespace TraceTools.Tests.Engine;

/// <summary>The blocking hand-off between the decode thread, the replay thread and the shards.</summary>
[TestClass]
public sealed class HandOffTests
{
    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void AddAndTake_AcrossThreads_EveryItemInOrderThenFalseAtComplete()
    {
        var hand = new HandOff<string>(2);
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 1000; i++) Assert.IsTrue(hand.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            hand.Complete();
        });
        producer.Start();
        int next = 0;
        while (hand.TryTake(out var item)) Assert.AreEqual(next++.ToString(System.Globalization.CultureInfo.InvariantCulture), item);
        producer.Join();
        Assert.AreEqual(1000, next);
        Assert.IsNull(hand.Error);
    }

    [TestMethod]
    public void Complete_WithError_ItemsHeldFirstThenFalseAndTheError()
    {
        var hand = new HandOff<string>(3);
        hand.Add("a");
        hand.Add("b");
        var error = new InvalidOperationException("decoder failed");
        hand.Complete(error);
        Assert.IsTrue(hand.TryTake(out var a) && a == "a");
        Assert.IsTrue(hand.TryTake(out var b) && b == "b");
        Assert.IsFalse(hand.TryTake(out _));
        Assert.AreSame(error, hand.Error);
        Assert.IsTrue(hand.IsCompleted);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void Cancel_WakesAWaitingAddAndAWaitingTake()
    {
        var full = new HandOff<string>(1);
        full.Add("x");
        bool? added = null;
        var adder = new Thread(() => added = full.Add("y")); // waits: full
        adder.Start();
        var empty = new HandOff<string>(1);
        bool? took = null;
        var taker = new Thread(() => took = empty.TryTake(out _)); // waits: empty
        taker.Start();
        Thread.Sleep(50);
        full.Cancel();
        empty.Cancel();
        adder.Join();
        taker.Join();
        Assert.IsFalse(added);
        Assert.IsFalse(took);
        Assert.IsFalse(full.TryTake(out _), "cancelled: held items are dropped");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void Add_WhenFull_WaitsForATake()
    {
        var hand = new HandOff<string>(1);
        hand.Add("first");
        var adder = new Thread(() => hand.Add("second"));
        adder.Start();
        Assert.IsFalse(adder.Join(100), "the second add waits while the hand-off is full");
        Assert.IsTrue(hand.TryTake(out var first) && first == "first");
        adder.Join();
        Assert.IsTrue(hand.TryTake(out var second) && second == "second");
    }
}
