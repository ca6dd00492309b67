namespace TraceTools.Detectors.Smccc;

/// <summary>An FF-A function as an answer to a call: its function ID and the registers that carry its results.</summary>
/// <param name="Name">The spec's name, e.g. <c>FFA_MSG_SEND_DIRECT_RESP2</c>.</param>
/// <param name="Id">The function ID (w0).</param>
/// <param name="Results">The registers that carry results, bit r for xr (x0, the ID itself, included).</param>
public readonly record struct FfaFunction(string Name, uint Id, uint Results);

/// <summary>
/// The FF-A functions that answer a call, with the registers that carry their results, and the one call whose
/// answer is not a function ID (FFA_VERSION). Source: Arm Firmware Framework for A-profile, DEN0077, version 1.2,
/// the "Function ID, parameters and results" table of each ABI (chapters "Setup and discovery interfaces", "CPU
/// cycle management interfaces", "Messaging interfaces", "Memory management interfaces"); and version 1.3, which
/// adds SMC64 function IDs for FFA_ERROR (Table 12.4), FFA_MSG_WAIT, FFA_YIELD, FFA_RUN, FFA_INTERRUPT and
/// FFA_NORMAL_WORLD_RESUME (§11.1.2, Tables 14.3, 14.9, 14.13, 14.17, 14.20) with the same result registers.
/// Registers the spec marks reserved (MBZ, SBZ) carry no result.
/// </summary>
public static class FfaFunctions
{
    /// <summary>FFA_VERSION (SMC32): answered by a version number in w0, not by a function ID.</summary>
    public const uint Version = 0x8400_0063;
    /// <summary>FFA_RUN (SMC32): runs an endpoint's vCPU; may be answered by a 64-bit FFA_MSG_SEND_DIRECT_RESP2.</summary>
    public const uint Run = 0x8400_006D;
    /// <summary>
    /// The SMC64 form of FFA_RUN, which FF-A 1.3 adds (DEN0077 1.3, Table 14.13: 0xC400006D): a caller using the
    /// SMC64 convention expects results in x0..x17, so a DIRECT_RESP2 answer no longer conflicts with the
    /// preserved registers of SMC32. FF-A 1.2 has no such call.
    /// </summary>
    public const uint Run64 = 0xC400_006D;
    /// <summary>FFA_MSG_SEND_DIRECT_REQ (SMC32).</summary>
    public const uint DirectReq32 = 0x8400_006F;
    /// <summary>FFA_MSG_SEND_DIRECT_RESP (SMC32).</summary>
    public const uint DirectResp32 = 0x8400_0070;
    /// <summary>FFA_MSG_SEND_DIRECT_REQ2 (SMC64).</summary>
    public const uint DirectReq2 = 0xC400_008D;
    /// <summary>FFA_MSG_SEND_DIRECT_RESP2 (SMC64).</summary>
    public const uint DirectResp2 = 0xC400_008E;
    /// <summary>FFA_ERROR.</summary>
    public const uint Error = 0x8400_0060;

    /// <summary>Registers x<paramref name="from"/>..x<paramref name="to"/> as a mask (bit r = xr).</summary>
    public static uint Registers(int from, int to) => ((1u << (to + 1)) - 1) & ~((1u << from) - 1);

    static readonly FfaFunction[] Answers =
    [
        // FFA_ERROR: w1 target information, w2 error code. 1.3 adds the SMC64 ID for callers that only use SMC64.
        new("FFA_ERROR", Error, Registers(0, 2)),
        new("FFA_ERROR_64", 0xC400_0060, Registers(0, 2)),
        // FFA_SUCCESS: w1 target information, w2..w7 (x2..x7) results of the function it answers.
        new("FFA_SUCCESS_32", 0x8400_0061, Registers(0, 7)),
        // FFA_SUCCESS_64: 1.2 extends its results to x2..x17 (FFA_PARTITION_INFO_GET_REGS answers in x3..x17).
        new("FFA_SUCCESS_64", 0xC400_0061, Registers(0, 17)),
        // FFA_INTERRUPT: w1 endpoint and vCPU, w2 interrupt ID.
        new("FFA_INTERRUPT", 0x8400_0062, Registers(0, 2)),
        new("FFA_INTERRUPT_64", 0xC400_0062, Registers(0, 2)),
        // FFA_MSG_WAIT (as an answer to FFA_RUN): w1 target information, w2 flags.
        new("FFA_MSG_WAIT", 0x8400_006B, Registers(0, 2)),
        new("FFA_MSG_WAIT_64", 0xC400_006B, Registers(0, 2)),
        // FFA_YIELD: w1 endpoint and vCPU, w2/w3 the timeout.
        new("FFA_YIELD", 0x8400_006C, Registers(0, 3)),
        new("FFA_YIELD_64", 0xC400_006C, Registers(0, 3)),
        // Direct messages: w1 sender/receiver, w2 flags, w3..w7 (x3..x7) the message.
        new("FFA_MSG_SEND_DIRECT_REQ_32", DirectReq32, Registers(0, 7)),
        new("FFA_MSG_SEND_DIRECT_REQ_64", 0xC400_006F, Registers(0, 7)),
        new("FFA_MSG_SEND_DIRECT_RESP_32", DirectResp32, Registers(0, 7)),
        new("FFA_MSG_SEND_DIRECT_RESP_64", 0xC400_0070, Registers(0, 7)),
        // FFA_MEM_RETRIEVE_RESP: w1 total length, w2 fragment length.
        new("FFA_MEM_RETRIEVE_RESP", 0x8400_0075, Registers(0, 2)),
        // FFA_MEM_FRAG_RX / _TX: w1/w2 the handle, w3 the fragment offset or length, w4 the sender.
        new("FFA_MEM_FRAG_RX", 0x8400_007A, Registers(0, 4)),
        new("FFA_MEM_FRAG_TX", 0x8400_007B, Registers(0, 4)),
        // FFA_NORMAL_WORLD_RESUME: no parameters.
        new("FFA_NORMAL_WORLD_RESUME", 0x8400_007C, Registers(0, 0)),
        new("FFA_NORMAL_WORLD_RESUME_64", 0xC400_007C, Registers(0, 0)),
        // DIRECT_REQ2: x1 sender/receiver, x2/x3 the service UUID, x4..x17 the message.
        new("FFA_MSG_SEND_DIRECT_REQ2", DirectReq2, Registers(0, 17)),
        // DIRECT_RESP2: x1 sender/receiver, x2/x3 reserved (MBZ), x4..x17 the message.
        new("FFA_MSG_SEND_DIRECT_RESP2", DirectResp2, Registers(0, 1) | Registers(4, 17)),
    ];

    /// <summary>Every answer the table knows, in function-number order (bits 0..15 of the ID; SMC32 before SMC64).</summary>
    public static IReadOnlyList<FfaFunction> All => Answers;

    /// <summary>
    /// The answer whose function ID is in <paramref name="x0"/>, or null. An SMC32 function's registers are
    /// w0..w7 (SMCCC), so its ID is w0 whatever the upper half of x0 holds; an SMC64 ID with upper bits set in x0
    /// is no function ID.
    /// </summary>
    public static FfaFunction? FindAnswer(ulong x0)
    {
        uint id = (uint)x0;
        if (x0 > uint.MaxValue && SmcccConvention.IsSmc64(id)) return null;
        foreach (var f in Answers) if (f.Id == id) return f;
        return null;
    }

    /// <summary>
    /// The registers that carry the results of the call whose x0 is <paramref name="callX0"/>, answered with
    /// <paramref name="answerX0"/> in x0: FFA_VERSION's answer is a version number in w0 (so x0 alone, whatever
    /// its value); otherwise the registers of the answering function; 0 when the answer is no function the
    /// table knows (then which registers hold results is not known).
    /// </summary>
    public static uint ResultRegisters(ulong callX0, ulong answerX0)
    {
        if ((uint)callX0 == Version) return Registers(0, 0);
        return FindAnswer(answerX0)?.Results ?? 0;
    }

    /// <summary>The spec's name of <paramref name="x0"/> as a function ID (calls and answers), or null.</summary>
    public static string? NameOf(ulong x0) => x0 switch
    {
        Version => "FFA_VERSION",
        Run => "FFA_RUN",
        Run64 => "FFA_RUN (SMC64, FF-A 1.3)",
        _ => FindAnswer(x0)?.Name,
    };
}
