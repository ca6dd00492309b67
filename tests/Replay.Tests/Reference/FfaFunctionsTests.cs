using TraceTools.Detectors.Smccc;

namespace TraceTools.Tests.Reference;

/// <summary>
/// The FF-A table pinned to literals copied by hand from DEN0077 1.2 and 1.3 (function IDs and the registers each answer
/// carries). The reference model reads <see cref="FfaFunctions.All"/> itself, so without these rows a wrong ID or
/// register set would pass the differential test on both sides.
/// </summary>
[TestClass]
public sealed class FfaFunctionsTests
{
    [TestMethod]
    [DataRow("FFA_ERROR", 0x8400_0060u, "0-2")]
    [DataRow("FFA_SUCCESS_32", 0x8400_0061u, "0-7")]
    [DataRow("FFA_SUCCESS_64", 0xC400_0061u, "0-17")]
    [DataRow("FFA_INTERRUPT", 0x8400_0062u, "0-2")]
    [DataRow("FFA_MSG_WAIT", 0x8400_006Bu, "0-2")]
    [DataRow("FFA_YIELD", 0x8400_006Cu, "0-3")]
    [DataRow("FFA_MSG_SEND_DIRECT_REQ_32", 0x8400_006Fu, "0-7")]
    [DataRow("FFA_MSG_SEND_DIRECT_REQ_64", 0xC400_006Fu, "0-7")]
    [DataRow("FFA_MSG_SEND_DIRECT_RESP_32", 0x8400_0070u, "0-7")]
    [DataRow("FFA_MSG_SEND_DIRECT_RESP_64", 0xC400_0070u, "0-7")]
    [DataRow("FFA_MEM_RETRIEVE_RESP", 0x8400_0075u, "0-2")]
    [DataRow("FFA_MEM_FRAG_RX", 0x8400_007Au, "0-4")]
    [DataRow("FFA_MEM_FRAG_TX", 0x8400_007Bu, "0-4")]
    [DataRow("FFA_NORMAL_WORLD_RESUME", 0x8400_007Cu, "0-0")]
    [DataRow("FFA_MSG_SEND_DIRECT_REQ2", 0xC400_008Du, "0-17")]
    [DataRow("FFA_MSG_SEND_DIRECT_RESP2", 0xC400_008Eu, "0-1,4-17")]
    // FF-A 1.3 (DEN0077 1.3): the SMC64 IDs of Table 12.4 and §11.1.2's CPU cycle management ABIs, same results.
    [DataRow("FFA_ERROR_64", 0xC400_0060u, "0-2")]
    [DataRow("FFA_INTERRUPT_64", 0xC400_0062u, "0-2")]
    [DataRow("FFA_MSG_WAIT_64", 0xC400_006Bu, "0-2")]
    [DataRow("FFA_YIELD_64", 0xC400_006Cu, "0-3")]
    [DataRow("FFA_NORMAL_WORLD_RESUME_64", 0xC400_007Cu, "0-0")]
    public void FindAnswer_SpecFunction_HasSpecIdAndResults(string name, uint id, string results)
    {
        var f = FfaFunctions.FindAnswer(id);
        Assert.IsNotNull(f, $"0x{id:x8} is not in the table");
        Assert.AreEqual(name, f.Value.Name);
        Assert.AreEqual(Mask(results), f.Value.Results, name);
    }

    [TestMethod]
    public void Constants_Calls_AreSpecIds()
    {
        Assert.AreEqual(0x8400_0063u, FfaFunctions.Version);
        Assert.AreEqual(0x8400_006Du, FfaFunctions.Run);
        Assert.AreEqual(0xC400_006Du, FfaFunctions.Run64); // DEN0077 1.3, Table 14.13
        Assert.AreEqual(0x8400_006Fu, FfaFunctions.DirectReq32);
        Assert.AreEqual(0x8400_0070u, FfaFunctions.DirectResp32);
        Assert.AreEqual(0xC400_008Du, FfaFunctions.DirectReq2);
        Assert.AreEqual(0xC400_008Eu, FfaFunctions.DirectResp2);
        Assert.AreEqual(0x8400_0060u, FfaFunctions.Error);
    }

    [TestMethod]
    [DataRow(0xFFFF_FFFF_8400_0061ul, "FFA_SUCCESS_32")]   // SMC32: the ID is w0
    [DataRow(0x0000_0001_8400_0060ul, "FFA_ERROR")]
    [DataRow(0x0000_0001_C400_0061ul, null)]               // SMC64 with upper bits set: no ID
    [DataRow(0xC400_0061ul, "FFA_SUCCESS_64")]
    public void FindAnswer_UpperHalfOfX0_IgnoredForSmc32Only(ulong x0, string? name) =>
        Assert.AreEqual(name, FfaFunctions.FindAnswer(x0)?.Name);

    [TestMethod]
    public void All_Table_InFunctionNumberOrderWithoutDuplicates()
    {
        var all = FfaFunctions.All;
        for (int i = 1; i < all.Count; i++)
        {
            ulong prev = Key(all[i - 1].Id), next = Key(all[i].Id);
            Assert.IsTrue(prev < next, $"{all[i - 1].Name} (0x{all[i - 1].Id:x8}) before {all[i].Name} (0x{all[i].Id:x8})");
        }
    }

    /// <summary>Function number first, then SMC32 before SMC64 (bit 30).</summary>
    static ulong Key(uint id) => ((ulong)(id & 0xFFFF) << 1) | ((id >> 30) & 1);

    /// <summary>"0-1,4-17" → bits 0, 1, 4..17.</summary>
    static uint Mask(string ranges)
    {
        uint mask = 0;
        foreach (var range in ranges.Split(','))
        {
            var ends = range.Split('-');
            for (int r = int.Parse(ends[0]); r <= int.Parse(ends[1]); r++) mask |= 1u << r;
        }
        return mask;
    }
}
