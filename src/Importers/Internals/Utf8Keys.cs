using System.Buffers.Binary;
using System.Numerics;

namespace TraceTools.Importers.Internals;

/// <summary>
/// Compares UTF-8 keys by content and finds them by a span of the line (<c>AlternateLookup&lt;ReadOnlySpan&lt;byte&gt;&gt;</c>):
/// no array per lookup.
/// </summary>
sealed class Utf8Keys : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly Utf8Keys Instance = new();

    // Seeded per process, like the runtime's string hashes: a trace cannot be crafted to put its keys in one bucket.
    static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] key) => GetHashCode(key.AsSpan());

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    /// <summary>
    /// Eight bytes a step, the last eight read again when the length is not a multiple (a caller symbol is some 40
    /// bytes, looked up once per rwmmio line): HashCode.AddBytes, four bytes a step, cost six times as much.
    /// </summary>
    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        ulong h = Seed ^ (ulong)alternate.Length;
        var rest = alternate;
        for (; rest.Length >= 8; rest = rest[8..]) h = Mix(h ^ BinaryPrimitives.ReadUInt64LittleEndian(rest));
        if (!rest.IsEmpty)
        {
            ulong tail = 0;
            if (alternate.Length >= 8) tail = BinaryPrimitives.ReadUInt64LittleEndian(alternate[^8..]);
            else foreach (byte b in rest) tail = tail << 8 | b;
            h = Mix(h ^ tail);
        }
        return (int)(h ^ h >> 32);
    }

    static ulong Mix(ulong x) => BitOperations.RotateLeft(x * 0x9E3779B97F4A7C15, 29) * 0xBF58476D1CE4E5B9;

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
