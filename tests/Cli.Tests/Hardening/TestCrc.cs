using System.Numerics;

namespace TraceTools.Tests.Hardening;

/// <summary>CRC-32C (Castagnoli) as the trace format stores it, for tests that forge or re-seal trace bytes.</summary>
static class TestCrc
{
    /// <summary>The CRC-32C of <paramref name="bytes"/>.</summary>
    public static uint Of(ReadOnlySpan<byte> bytes)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in bytes) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
