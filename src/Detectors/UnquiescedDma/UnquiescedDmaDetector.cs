using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.UnquiescedDma;

/// <summary>
/// <c>unquiesced-dma</c> (docs/model.md §11): a device <c>dma_read</c> or <c>dma_write</c> X, when no <c>quiesce</c>
/// of the device lies between its last doorbell before X (or the trace's start, when it had none) and X, and either a
/// <c>handover</c> lies between that doorbell and X, or the device's IOMMU mode at X differs from its mode at that
/// doorbell. An error; a warning when the device's IOMMU mode at X is <c>abort</c> (the transaction faults instead
/// of reaching memory). Related: <c>handover</c> (the first case only), <c>iommu-mode</c> when the device's mode
/// was ever set, and <c>doorbell</c> when the device was rung. One per X.
/// </summary>
public sealed class UnquiescedDmaDetector : IDetector
{
    long _handover = -1;
    // Per agent (only devices are written): trace indices, -1 for none.
    readonly long[] _doorbell, _quiesce, _modeSetAt;
    // Per device: its IOMMU mode now, and the mode it was last started under (at its last doorbell; translate, the
    // mode of a device never set, for one started before the trace).
    readonly IommuTreatment[] _mode, _modeAtDoorbell;

    /// <summary>Creates the detector for a trace of <paramref name="agents"/> agents.</summary>
    public UnquiescedDmaDetector(int agents)
    {
        _doorbell = new long[agents];
        _quiesce = new long[agents];
        _modeSetAt = new long[agents];
        Array.Fill(_doorbell, -1);
        Array.Fill(_quiesce, -1);
        Array.Fill(_modeSetAt, -1);
        _mode = new IommuTreatment[agents];
        _modeAtDoorbell = new IommuTreatment[agents];
    }

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.UnquiescedDma;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Doorbell | DetectorHooks.DeviceDma | DetectorHooks.DeviceControl;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.None;

    /// <inheritdoc/>
    public void OnDoorbell(DetectorView view, in Doorbell doorbell)
    {
        _doorbell[doorbell.Device] = doorbell.Index;
        _modeAtDoorbell[doorbell.Device] = _mode[doorbell.Device];
    }

    /// <inheritdoc/>
    public void OnDeviceControl(DetectorView view, in DeviceControl control)
    {
        switch (control.Kind)
        {
            case EventKind.Handover:
                _handover = control.Index;
                break;
            case EventKind.Quiesce:
                _quiesce[control.Device] = control.Index;
                break;
            case EventKind.IommuMode:
                _mode[control.Device] = control.Mode;
                _modeSetAt[control.Device] = control.Index;
                break;
        }
    }

    /// <inheritdoc/>
    public void OnDeviceDma(DetectorView view, in DataAccess access)
    {
        int d = access.Agent;
        // A quiesce stopped the device since it was last started: whatever runs now, the trace takes at its word.
        if (_quiesce[d] > _doorbell[d]) return;
        var severity = _mode[d] == IommuTreatment.Abort ? Severity.Warning : Severity.Error;
        // The old owner started the device and the new owner did not.
        if (_handover > _doorbell[d]) view.Report(Kind, severity, access.Index, [_handover, _modeSetAt[d], _doorbell[d]]);
        // The device's addresses were set up for one IOMMU mode and land under another (an IOMMU shut down before
        // its client): a mode that differs was set after the doorbell, so _modeSetAt is that change.
        else if (_mode[d] != _modeAtDoorbell[d]) view.Report(Kind, severity, access.Index, [-1, _modeSetAt[d], _doorbell[d]]);
    }
}
