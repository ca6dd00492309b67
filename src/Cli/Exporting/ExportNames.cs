using System.Text.Json;

namespace TraceTools.Cli.Exporting;

/// <summary>
/// The Chrome trace-event property names and constant values <see cref="PerfettoExport"/> writes per event, per
/// flow and per finding, encoded once: writing a <see cref="string"/> name makes the writer validate and escape it
/// on every call. All are plain ASCII, so the bytes are the same as before (ExportGoldenTests).
/// </summary>
static class ExportNames
{
    // Properties of every record.
    public static readonly JsonEncodedText Ph = JsonEncodedText.Encode("ph"), Name = JsonEncodedText.Encode("name"),
        Pid = JsonEncodedText.Encode("pid"), Tid = JsonEncodedText.Encode("tid"), Cat = JsonEncodedText.Encode("cat"),
        Ts = JsonEncodedText.Encode("ts"), Dur = JsonEncodedText.Encode("dur"), Args = JsonEncodedText.Encode("args"),
        Id = JsonEncodedText.Encode("id"), Bp = JsonEncodedText.Encode("bp"), Cname = JsonEncodedText.Encode("cname"),
        Scope = JsonEncodedText.Encode("s");

    // An event's args.
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index"), Op = JsonEncodedText.Encode("op"),
        Addr = JsonEncodedText.Encode("addr"), Size = JsonEncodedText.Encode("size"), Barrier = JsonEncodedText.Encode("barrier"),
        Lock = JsonEncodedText.Encode("lock"), Device = JsonEncodedText.Encode("device"), Granule = JsonEncodedText.Encode("granule"),
        Treatment = JsonEncodedText.Encode("treatment"), Direction = JsonEncodedText.Encode("direction"),
        Conduit = JsonEncodedText.Encode("conduit"), Value = JsonEncodedText.Encode("value"), Bytes = JsonEncodedText.Encode("bytes"),
        Length = JsonEncodedText.Encode("length"), Site = JsonEncodedText.Encode("site");

    // A finding's args.
    public static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind"), Severity = JsonEncodedText.Encode("severity"),
        Message = JsonEncodedText.Encode("message"), Trigger = JsonEncodedText.Encode("trigger"),
        Related = JsonEncodedText.Encode("related"), Role = JsonEncodedText.Encode("role");

    // Phases (ph).
    public static readonly JsonEncodedText Slice = JsonEncodedText.Encode("X"), Instant = JsonEncodedText.Encode("i"),
        FlowStart = JsonEncodedText.Encode("s"), FlowEnd = JsonEncodedText.Encode("f"), Metadata = JsonEncodedText.Encode("M");

    // Constant values.
    public static readonly JsonEncodedText EventCategory = JsonEncodedText.Encode("event"), Hb = JsonEncodedText.Encode("hb"),
        EnclosingSlice = JsonEncodedText.Encode("e"), FindingCategory = JsonEncodedText.Encode("finding"),
        Terrible = JsonEncodedText.Encode("terrible"), GlobalScope = JsonEncodedText.Encode("g");
}
