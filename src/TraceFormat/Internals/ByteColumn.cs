using System.Runtime.CompilerServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>A growable byte buffer for one column of the chunk being written; kept across chunks.</summary>
sealed class ByteColumn(int capacity)
{
    public byte[] Buffer = new byte[capacity];
    public int Length;

    /// <summary>Makes room for <paramref name="n"/> more bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int n)
    {
        if (Length + n > Buffer.Length) Grow(n);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void Grow(int n) => Array.Resize(ref Buffer, Math.Max(Buffer.Length * 2, Length + n));

    /// <summary>Grows the buffer to at least <paramref name="capacity"/> bytes, keeping its contents.</summary>
    public void Reserve(int capacity)
    {
        if (capacity > Buffer.Length) Array.Resize(ref Buffer, capacity);
    }

    /// <summary>The first byte of the buffer, for writes whose room the caller has reserved.</summary>
    public ref byte Start
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(Buffer);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Varint(ulong v)
    {
        Ensure(Internals.Varint.MaxLength);
        Internals.Varint.Write(Buffer, ref Length, v);
    }

    public void Bytes(ReadOnlySpan<byte> data)
    {
        Ensure(data.Length);
        data.CopyTo(Buffer.AsSpan(Length));
        Length += data.Length;
    }

    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);
}
