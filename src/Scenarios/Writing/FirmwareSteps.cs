using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using TraceTools.TraceFormat;

namespace TraceTools.Scenarios.Writing;

/// <summary>
/// How firmware calls and returns are spelled (scenario-language.md, "Firmware calls"): <c>smc 0x8400006f x1=0x10</c>,
/// <c>hvc ...</c>, <c>ret x0=0x84000070 x3=0x5</c>; registers that are 0 are not written, so the text compiles to
/// the same x0..x17.
/// </summary>
public static class FirmwareSteps
{
    /// <summary>The op: <c>smc</c> or <c>hvc</c> by the call's conduit, <c>ret</c> for a return.</summary>
    public static string OpName(in TraceEvent e) =>
        e.Kind == EventKind.FirmwareCall && e.Aux == (uint)FirmwareConduit.Hvc ? "hvc" : e.Kind.OpName();

    /// <summary>Appends the operands: the function ID for a call, then <c> xN=0x…</c> for every other non-zero register.</summary>
    public static void AppendRegisters(StringBuilder sb, EventKind kind, ReadOnlySpan<byte> data)
    {
        if (data.Length != EventKinds.RegisterBytes)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  # unrepresentable: {data.Length} register bytes, expected {EventKinds.RegisterBytes}");
            return;
        }
        int first = 0;
        if (kind == EventKind.FirmwareCall)
        {
            sb.Append(" 0x").Append(Register(data, 0).ToString("x", CultureInfo.InvariantCulture));
            first = 1;
        }
        for (int r = first; r < EventKinds.RegisterBytes / 8; r++)
        {
            ulong v = Register(data, r);
            if (v != 0) sb.Append(CultureInfo.InvariantCulture, $" x{r}=0x{v:x}");
        }
    }

    /// <summary>Register xr of a call's or return's bytes.</summary>
    public static ulong Register(ReadOnlySpan<byte> data, int r) => BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(8 * r, 8));
}
