using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Scenarios.Synth;

/// <summary>
/// The driver's own bookkeeping around each request: the per-request info it fills before submitting
/// (length, index, flags, sequence number) and reads back on completion, and its per-cpu counters.
/// 4- and 8-byte accesses at nearby addresses of cpu-private memory (<c>drv_priv</c>) that no device and
/// no other cpu touches: they make the mix look like driver code (most accesses small, copies a few %),
/// and they can produce no finding (no device reads or writes those bytes, no hb edge starts there).
/// </summary>
public sealed partial class DriverMixGenerator
{
    /// <summary>Per cpu and request kind: packets (or commands) completed.</summary>
    readonly ulong[] _completed = new ulong[Cpus * RequestKinds];
    uint _sequence;

    /// <summary>Request kinds with their own info array and counters in <c>drv_priv</c>.</summary>
    internal enum RequestKind { Tx, Rx, Nvme, Dsp }

    const int RequestKinds = 4;

    static ulong RequestInfo(int cpu, RequestKind kind, int slot) =>
        DrvPriv + (ulong)(cpu * DrvPrivPerCpu + (int)kind * InfoSlots * InfoSize + (slot & (InfoSlots - 1)) * InfoSize);

    /// <summary>Before submitting: reads the caller's request (length, flags), fills the request info. 6 events.</summary>
    void PrepareRequest(int cpu, RequestKind kind, int slot, int length, Site site)
    {
        ulong info = RequestInfo(cpu, kind, slot);
        Load(cpu, info + 24, 4, site);                                  // caller's flags
        Load(cpu, info + 28, 4, site);                                  // caller's length
        Store(cpu, info, 4, (uint)length, site);                        // info->len
        Store(cpu, info + 4, 4, (uint)slot, site);                      // info->index
        Store(cpu, info + 8, 8, 1UL | (ulong)kind << 8, site);          // info->flags: in flight
        Store(cpu, info + 16, 4, ++_sequence & 0xFFFF, site);           // info->seq
    }

    /// <summary>After completion: reads the request info back, bumps the packet counter and the clean index. 6 events.</summary>
    void CompleteRequest(int cpu, RequestKind kind, int slot, Site site)
    {
        ulong info = RequestInfo(cpu, kind, slot);
        ulong stats = DrvPriv + (ulong)(cpu * DrvPrivPerCpu + StatsOffset + (int)kind * 16);
        int c = cpu * RequestKinds + (int)kind;
        Load(cpu, info, 4, site);                                       // len = info->len
        Store(cpu, info + 8, 8, (ulong)kind << 8, site);                // info->flags: done
        Load(cpu, stats, 8, site);                                      // stats->packets++
        Store(cpu, stats, 8, ++_completed[c], site);
        Load(cpu, stats + 8, 4, site);                                  // next_to_clean = slot + 1
        Store(cpu, stats + 8, 4, (uint)(slot + 1) & (InfoSlots - 1), site);
    }
}
