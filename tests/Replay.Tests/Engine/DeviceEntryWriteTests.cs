using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// Device writes to a table entry under contract v1.1 (deviation 5, "Bursts"): a device write that makes the
/// entry non-present (an OWN write-back) restarts the payload window and ends a torn-update burst; one that
/// leaves it present neither joins nor ends a burst.
/// </summary>
[TestClass]
public sealed class DeviceEntryWriteTests
{
    static TraceBuilder System()
    {
        var t = TraceBuilder.OneDevice(Arch.Arm64).Device("ring");
        t.Table("desc", 0x10_0000, 4, 32, 16, 0, "ring");
        return t;
    }

    /// <summary>
    /// An unordered payload store while the entry is non-present, then the device sets and clears present
    /// (write-back), then the cpu sets present without a barrier. The window starts at the device's clear.
    /// </summary>
    [TestMethod]
    [DataRow(false, false)]   // the payload store is before the device's clear: outside the window
    [DataRow(true, true)]     // after it: judged, unordered
    public void PresentBeforePayload_DeviceWriteClearsPresent_RestartsPayloadWindow(bool payloadAfterClear, bool flagged)
    {
        var t = System();
        ulong e = t.Entry("desc", 1);
        long m = payloadAfterClear ? -1 : t.Store("cpu0", e + 16, 8, 0x77);
        t.DmaWrite("ring", e, 8, 1);                               // device sets present
        t.DmaWrite("ring", e, 8, 0);                               // device clears it: OWN write-back
        if (payloadAfterClear) m = t.Store("cpu0", e + 16, 8, 0x77);
        long p = t.Store("cpu0", e, 8, 1);                         // no barrier
        var findings = t.Replay(new HashSet<FindingKind> { FindingKind.PresentBeforePayload });
        if (flagged) FindingAssert.Exactly(findings, $"present-before-payload@{p}[payload={m}]");
        else FindingAssert.None(findings);
    }

    [TestMethod]
    [DataRow("clear", false)]     // device clears (and sets again): the burst ended
    [DataRow("payload", true)]    // device write that leaves E present: neither joins nor ends it
    [DataRow("none", true)]
    public void TornEntryUpdate_DeviceWriteBetweenStores_EndsBurstOnlyWhenItClears(string device, bool flagged)
    {
        var t = System();
        ulong e = t.Entry("desc", 1);
        t.Store("cpu0", e, 8, 1);                                  // present
        long first = t.Store("cpu0", e + 16, 8, 0x11);
        if (device == "clear")
        {
            t.DmaWrite("ring", e, 8, 0);
            t.DmaWrite("ring", e, 8, 1);
        }
        else if (device == "payload") t.DmaWrite("ring", e + 24, 8, 0x5);
        long second = t.Store("cpu0", e + 16, 8, 0x22);
        var findings = t.Replay(new HashSet<FindingKind> { FindingKind.TornEntryUpdate });
        if (flagged) FindingAssert.Exactly(findings, $"torn-entry-update@{second}[earlier-store={first}]");
        else FindingAssert.None(findings);
    }
}
