namespace TraceTools.Replay.Firmware;

/// <summary>
/// How deep smc/hvc calls may nest on one cpu (model.md §12). A real chain is a handful of levels (a host's call
/// through pKVM at EL2 to EL3, perhaps an SPMC below); the cap keeps memory bounded by it rather than by the
/// input, since each open call holds three register files. The replay refuses a trace that opens more (bad
/// input, exit 2), and the scenario language refuses a scenario that would.
/// </summary>
public static class FirmwareNesting
{
    /// <summary>Open calls per cpu at most.</summary>
    public const int MaxDepth = 64;

    /// <summary>The error for a call that would open call <see cref="MaxDepth"/> + 1 (the replay and the language say the same).</summary>
    public static string TooDeep(string op, string cpu) =>
        $"{op} on {cpu} opens a firmware call nested {MaxDepth + 1} deep: calls nest at most {MaxDepth} deep per cpu (model.md §12)";
}
