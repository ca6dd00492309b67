namespace TraceTools.Detectors.Smccc;

/// <summary>
/// What the SMC Calling Convention (Arm DEN0028, v1.2 and later, "Register use in AArch64 SMC and HVC calls")
/// promises a caller about x0..x17 at the return, from bit 30 of its function ID (model.md §12).
/// </summary>
public static class SmcccConvention
{
    /// <summary>Bit 30 of the function ID: set for SMC64/HVC64, clear for SMC32/HVC32.</summary>
    public const uint Smc64Bit = 1u << 30;

    /// <summary>True when the call whose x0 is <paramref name="callX0"/> uses the SMC64/HVC64 convention.</summary>
    public static bool IsSmc64(ulong callX0) => ((uint)callX0 & Smc64Bit) != 0;

    /// <summary>
    /// The registers among x0..x17 that must read at the return what they held at the call (bit r = xr): x4..x17
    /// unless they carry results of the call (FF-A, <see cref="FfaFunctions.ResultRegisters"/>), which for SMC32 can
    /// only be x4..x7 (its results are w0..w7), for SMC64 any of them. SMCCC 1.1 made x4..x17 callee-saved for both;
    /// 1.2 lets a function define results up to x17, and only the function's definition says which.
    /// </summary>
    public static uint Preserved(ulong callX0, ulong returnX0)
    {
        uint results = FfaFunctions.ResultRegisters(callX0, returnX0);
        return IsSmc64(callX0)
            ? FfaFunctions.Registers(4, 17) & ~results
            : (FfaFunctions.Registers(4, 7) & ~results) | FfaFunctions.Registers(8, 17);
    }
}
