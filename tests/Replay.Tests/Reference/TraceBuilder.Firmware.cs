using System.Buffers.Binary;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

public sealed partial class TraceBuilder
{
    /// <summary>An smc (or hvc) of <paramref name="cpu"/> with x0..x17 = <paramref name="registers"/>.</summary>
    public int FirmwareCall(ushort cpu, ulong[] registers, FirmwareConduit conduit = FirmwareConduit.Smc, string? site = null) =>
        Emit(EventKind.FirmwareCall, cpu, 0, EventKinds.RegisterBytes, (uint)conduit, site, RegisterBytes(registers));

    /// <summary>A return to <paramref name="cpu"/>'s innermost open call (its conduit is given, as the language sets it).</summary>
    public int FirmwareReturn(ushort cpu, ulong[] registers, FirmwareConduit conduit = FirmwareConduit.Smc, string? site = null) =>
        Emit(EventKind.FirmwareReturn, cpu, 0, EventKinds.RegisterBytes, (uint)conduit, site, RegisterBytes(registers));

    static byte[] RegisterBytes(ulong[] registers)
    {
        if (registers.Length != 18) throw new ArgumentException("x0..x17", nameof(registers));
        var b = new byte[EventKinds.RegisterBytes];
        for (int r = 0; r < 18; r++) BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8 * r), registers[r]);
        return b;
    }
}
