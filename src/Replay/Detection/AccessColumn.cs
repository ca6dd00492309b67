namespace TraceTools.Replay.Detection;

/// <summary>Which latest access of a byte the shadow keeps: side (cpu, device) and direction (write, read).</summary>
public enum AccessColumn : byte
{
    /// <summary>The last cpu store (<see cref="DetectorNeeds.WriteHistory"/>).</summary>
    CpuWrite,
    /// <summary>The last device DMA write (<see cref="DetectorNeeds.WriteHistory"/>).</summary>
    DevWrite,
    /// <summary>The last cpu load of a data byte (<see cref="DetectorNeeds.ReadHistory"/>).</summary>
    CpuRead,
    /// <summary>The last device DMA read of a data byte (<see cref="DetectorNeeds.ReadHistory"/>).</summary>
    DevRead,
}
