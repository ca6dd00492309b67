using System.Buffers.Binary;
using System.Numerics;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of iSCSI and ext4, computed 8 bytes at a time with the
/// framework's hardware-accelerated <see cref="BitOperations.Crc32C(uint, ulong)"/>.
/// </summary>
static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(~0u, data);

    /// <summary>Continues a running (not yet inverted) CRC over <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++)
            crc = BitOperations.Crc32C(crc, data[i]);
        return crc;
    }

    /// <summary>Bit-at-a-time reference implementation, the twin the fast one is tested against.</summary>
    public static uint ComputeReference(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }
}
