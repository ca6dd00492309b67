using System.Text.Json.Nodes;
using TraceTools.Tests.EndToEnd;
using TraceTools.Tests.Hardening;

namespace TraceTools.Tests.Reports;

/// <summary>
/// The JSON event's <c>value</c> and <c>registers</c> (docs/reports.md, "JSON"): what the ladder shows of a write, and
/// a firmware event's x0..x17, worked out from the samples' scenario text.
/// </summary>
[TestClass]
public sealed class JsonEventValueTests
{
    static JsonNode FirstInstance(Scratch s, string sample)
    {
        string trace = s.Path(sample + ".trace");
        var gen = RepoPaths.Run("gen", Path.Combine(RepoPaths.Samples, sample + ".scn"), "-o", trace);
        Assert.AreEqual(0, gen.Exit, gen.Err);
        var (_, output, err) = RepoPaths.Run("replay", trace, "--format", "json");
        return JsonNode.Parse(output)?["findings"]?[0]?["instances"]?[0] ?? throw new AssertFailedException(err);
    }

    static JsonNode Related(JsonNode instance, string role) =>
        instance["related"]!.AsArray().Single(r => (string?)r!["role"] == role)!;

    [TestMethod]
    public void Json_DoorbellWrite_CarriesItsValue_DmaOfUnrecordedSizeNone()
    {
        using var s = new Scratch();
        var inst = FirstInstance(s, "kexec-smmuv2-bypass");   // cpu0: writel nicregs + 0x20 = 1
        Assert.AreEqual("0x1", (string?)Related(inst, "doorbell")["value"]);
        Assert.IsNull(inst["trigger"]!["value"], "a 64-byte dma_write shows no value, as its ladder row");
        Assert.IsNull(inst["trigger"]!["registers"]);
    }

    [TestMethod]
    public void Json_SixteenByteMmioWrite_ItsLittleEndianValue()
    {
        // hisi-qm-mailbox.scn: cpu0: mmio_write qm_mb size 16 = 0x8000_0000 (the stp of a register pair).
        var (_, output, _) = RepoPaths.Run("replay", Path.Combine(RepoPaths.Samples, "hisi-qm-mailbox.trace"), "--format", "json");
        var inst = JsonNode.Parse(output)!["findings"]![0]!["instances"]![0]!;
        Assert.AreEqual("0x80000000", (string?)Related(inst, "publish")["value"]);
        Assert.IsNull(Related(inst, "store")["value"], "a 64-byte store shows no value");
    }

    [TestMethod]
    public void Json_FirmwareCallAndReturn_CarryX0ToX17()
    {
        using var s = new Scratch();
        var inst = FirstInstance(s, "smccc-ffa-direct-req64-blind-copy");
        var call = Related(inst, "call")["registers"]!.AsArray().Select(r => (string?)r).ToArray();
        var ret = inst["trigger"]!["registers"]!.AsArray().Select(r => (string?)r).ToArray();
        Assert.AreEqual(18, call.Length);
        // The host's call: FFA_MSG_SEND_DIRECT_REQ (64-bit) 0xc400006f, x1=0x8001, x8=0xffff000012345000, x9=0x40.
        CollectionAssert.AreEqual(new[] { "0xc400006f", "0x8001" }, call[..2]);
        Assert.AreEqual(("0xffff000012345000", "0x40"), (call[8], call[9]));
        // The proxy's return: DIRECT_RESP_64 0xc4000070 and x1=0x80010000, x8 and x9 clobbered to 0.
        CollectionAssert.AreEqual(new[] { "0xc4000070", "0x80010000" }, ret[..2]);
        Assert.AreEqual(("0x0", "0x0"), (ret[8], ret[9]));
    }
}
