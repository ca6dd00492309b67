using TraceTools.TraceFormat;

namespace TraceTools.Tests;

/// <summary>
/// <see cref="EventKinds.IsCpuEvent"/> is one unsigned compare (the replay loop asks it per event): it must say what
/// the rule says, device kinds being exactly dma_read..raise_irq, for every byte a kind column can hold.
/// </summary>
[TestClass]
public sealed class EventKindSideTests
{
    [TestMethod]
    public void IsCpuEvent_EveryByteValue_DeviceExactlyForDmaReadThroughRaiseIrq()
    {
        var device = new[] { EventKind.DmaRead, EventKind.DmaWrite, EventKind.Fetch, EventKind.RaiseIrq };
        for (int b = 0; b < 256; b++)
        {
            var kind = (EventKind)b;
            Assert.AreEqual(!device.Contains(kind), kind.IsCpuEvent(), $"kind byte {b}");
        }
    }
}
