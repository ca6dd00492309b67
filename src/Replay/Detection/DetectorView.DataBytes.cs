namespace TraceTools.Replay.Detection;

public readonly ref partial struct DetectorView
{
    /// <summary>True when [<paramref name="from"/>, <paramref name="to"/>) holds a data byte (ram, or table payload): <see cref="IsDataByte"/> of any of its bytes, a lookup per region crossed.</summary>
    public bool HasDataByte(ulong from, ulong to) => _engine.HasDataByte(from, to);
}
