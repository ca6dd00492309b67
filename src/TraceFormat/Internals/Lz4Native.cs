using System.Runtime.InteropServices;

namespace TraceTools.TraceFormat.Internals;

/// <summary>
/// The LZ4 block format through the system <c>liblz4.so.1</c> (no managed LZ4 package is available).
/// A missing library surfaces once as <see cref="CodecUnavailableException"/> with the package to install.
/// </summary>
static unsafe partial class Lz4Native
{
    const string Library = "liblz4.so.1";

    /// <summary>Largest input LZ4 accepts (LZ4_MAX_INPUT_SIZE).</summary>
    public const int MaxInputSize = 0x7E000000;

    [LibraryImport(Library, EntryPoint = "LZ4_compress_default")]
    private static partial int CompressDefault(byte* src, byte* dst, int srcSize, int dstCapacity);

    [LibraryImport(Library, EntryPoint = "LZ4_decompress_safe")]
    private static partial int DecompressSafe(byte* src, byte* dst, int compressedSize, int dstCapacity);

    /// <summary>Worst-case compressed size of <paramref name="inputSize"/> bytes (LZ4_COMPRESSBOUND).</summary>
    public static int CompressBound(int inputSize) => inputSize + inputSize / 255 + 16;

    /// <summary>Compresses <paramref name="src"/> into <paramref name="dst"/> (at least <see cref="CompressBound"/>); returns the length.</summary>
    public static int Compress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int n;
        try
        {
            fixed (byte* s = src)
            fixed (byte* d = dst)
            {
                n = CompressDefault(s, d, src.Length, dst.Length);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw Missing(e);
        }
        if (n <= 0) FormatThrow.Invalid($"LZ4_compress_default failed ({n}) for {src.Length} bytes");
        return n;
    }

    /// <summary>
    /// Decompresses into exactly <paramref name="dst"/>.Length bytes; false when the block is malformed
    /// or decodes to another length. liblz4's safe decoder never writes outside <paramref name="dst"/>.
    /// </summary>
    public static bool TryDecompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int n;
        try
        {
            fixed (byte* s = src)
            fixed (byte* d = dst)
            {
                n = DecompressSafe(s, d, src.Length, dst.Length);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw Missing(e);
        }
        return n == dst.Length;
    }

    static CodecUnavailableException Missing(Exception e) => e is DllNotFoundException
        ? new("liblz4.so.1 not found: install the Debian package liblz4-1 (apt-get install liblz4-1)", e)
        : new($"liblz4.so.1 lacks an LZ4 entry point: install a current liblz4-1 ({e.Message})", e);
}
