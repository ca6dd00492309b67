namespace TraceTools.TraceFormat;

/// <summary>
/// The packed aux operands of the v3 kinds (<see cref="EventKind"/> documents them) and the words the
/// scenario language and the reports spell them with.
/// </summary>
public static class EventOperands
{
    /// <summary>The device agent of an <see cref="EventKind.IommuMode"/> or <see cref="EventKind.DmaMap"/> aux (its low 16 bits).</summary>
    public static int Device(uint aux) => (int)(aux & 0xFFFF);

    /// <summary>The treatment of an <see cref="EventKind.IommuMode"/> aux.</summary>
    public static IommuTreatment Treatment(uint aux) => (IommuTreatment)(aux >> 16);

    /// <summary>The direction of a <see cref="EventKind.DmaMap"/> aux.</summary>
    public static DmaDirection Direction(uint aux) => (DmaDirection)(aux >> 16);

    /// <summary>The aux of an <see cref="EventKind.IommuMode"/> or <see cref="EventKind.DmaMap"/>: device | operand &lt;&lt; 16.</summary>
    public static uint Pack(int device, byte operand) => (uint)device | (uint)operand << 16;

    /// <summary><c>translate</c>, <c>bypass</c>, <c>abort</c>.</summary>
    public static string Name(this IommuTreatment t) => t switch
    {
        IommuTreatment.Translate => "translate",
        IommuTreatment.Bypass => "bypass",
        IommuTreatment.Abort => "abort",
        _ => $"treatment{(int)t}",
    };

    /// <summary><c>bidirectional</c>, <c>to_device</c>, <c>from_device</c>.</summary>
    public static string Name(this DmaDirection d) => d switch
    {
        DmaDirection.Bidirectional => "bidirectional",
        DmaDirection.ToDevice => "to_device",
        DmaDirection.FromDevice => "from_device",
        _ => $"direction{(int)d}",
    };

    /// <summary><c>smc</c>, <c>hvc</c>.</summary>
    public static string Name(this FirmwareConduit c) => c switch
    {
        FirmwareConduit.Smc => "smc",
        FirmwareConduit.Hvc => "hvc",
        _ => $"conduit{(int)c}",
    };
}
