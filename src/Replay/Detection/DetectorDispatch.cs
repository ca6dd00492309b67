using TraceTools.Replay.Firmware;

namespace TraceTools.Replay.Detection;

/// <summary>
/// Calls one hook of every detector in a per-hook array. This base class calls through
/// <see cref="IDetector"/> (any detector, e.g. one a test or a plug-in defines); <c>KnownDetectorDispatch</c>
/// in TraceTools.Detectors overrides each hook with a type switch over the sealed detector classes it knows,
/// so the engine's hot path makes one virtual call per hook event (this class, one override per engine:
/// always predicted) and no interface call per detector.
/// </summary>
/// <remarks>
/// The engine keeps the per-hook arrays (only the detectors that asked for a hook) and calls a hook only
/// when its array is not empty. Adding a detector class: one <c>case</c> line per hook it implements in the
/// override; a detector the override does not know still runs, through the interface.
/// </remarks>
public class DetectorDispatch
{
    /// <summary>The dispatch through <see cref="IDetector"/> (no detector known by type).</summary>
    public static DetectorDispatch ThroughInterface { get; } = new();

    /// <summary>Calls <see cref="IDetector.OnAccess"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnAccess(IDetector[] detectors, DetectorView view, in DataAccess access)
    {
        foreach (var d in detectors) d.OnAccess(view, access);
    }

    /// <summary>Calls <see cref="IDetector.OnEntryStore"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnEntryStore(IDetector[] detectors, DetectorView view, in EntryStore store)
    {
        foreach (var d in detectors) d.OnEntryStore(view, store);
    }

    /// <summary>Calls <see cref="IDetector.OnEntryFetch"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnEntryFetch(IDetector[] detectors, DetectorView view, in EntryFetch fetch)
    {
        foreach (var d in detectors) d.OnEntryFetch(view, fetch);
    }

    /// <summary>Calls <see cref="IDetector.OnEntryInvalidate"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnEntryInvalidate(IDetector[] detectors, DetectorView view, in EntryInvalidation invalidation)
    {
        foreach (var d in detectors) d.OnEntryInvalidate(view, invalidation);
    }

    /// <summary>Calls <see cref="IDetector.OnDoorbell"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnDoorbell(IDetector[] detectors, DetectorView view, in Doorbell doorbell)
    {
        foreach (var d in detectors) d.OnDoorbell(view, doorbell);
    }

    /// <summary>Calls <see cref="IDetector.OnDeviceDma"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnDeviceDma(IDetector[] detectors, DetectorView view, in DataAccess access)
    {
        foreach (var d in detectors) d.OnDeviceDma(view, access);
    }

    /// <summary>Calls <see cref="IDetector.OnDeviceControl"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnDeviceControl(IDetector[] detectors, DetectorView view, in DeviceControl control)
    {
        foreach (var d in detectors) d.OnDeviceControl(view, control);
    }

    /// <summary>Calls <see cref="IDetector.OnFirmwareReturn"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnFirmwareReturn(IDetector[] detectors, DetectorView view, in FirmwareReturn ret)
    {
        foreach (var d in detectors) d.OnFirmwareReturn(view, ret);
    }

    /// <summary>Calls <see cref="IDetector.OnCacheMaintenance"/> of each of <paramref name="detectors"/>.</summary>
    public virtual void OnCacheMaintenance(IDetector[] detectors, DetectorView view, in CacheMaintenance op)
    {
        foreach (var d in detectors) d.OnCacheMaintenance(view, op);
    }
}
