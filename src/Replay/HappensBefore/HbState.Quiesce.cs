using TraceTools.Replay.Ordering;

namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    /// <summary>
    /// quiesce: the cpu stopped the device and waited until it was idle, so the device's earlier events reach
    /// the cpu's LATER events (like dev_invalidate's inbound half, model.md §7.15; docs/model.md §11). It sends
    /// nothing to the device: stopping a device is not a doorbell.
    /// </summary>
    internal void Quiesce(int cpu, int device, long index) => TransferToNext(device, cpu, AccessClass.O, index);
}
