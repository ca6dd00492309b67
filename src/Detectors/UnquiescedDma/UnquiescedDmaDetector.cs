using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.UnquiescedDma;

/// <summary>
/// <c>unquiesced-dma</c> (docs/model.md §11): a device <c>dma_read</c> or <c>dma_write</c> X after a <c>handover</c>,
/// when the device's last doorbell before X (or the trace's start, when it had none) lies before the last handover
/// before X and no <c>quiesce</c> of the device lies between that doorbell and X. An error; a warning when the
/// device's IOMMU mode at X is <c>abort</c> (the transaction faults instead of reaching memory). Related:
/// <c>handover</c>, and <c>iommu-mode</c> when the device's mode was ever set. One per X.
/// </summary>
public sealed class UnquiescedDmaDetector : IDetector
{
    long _handover = -1;
    // Per agent (only devices are written): trace indices, -1 for none.
    readonly long[] _doorbell, _quiesce, _modeSetAt;
    readonly IommuTreatment[] _mode;

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
    }

    /// <inheritdoc/>
    public FindingKind Kind => FindingKind.UnquiescedDma;

    /// <inheritdoc/>
    public DetectorHooks Hooks => DetectorHooks.Doorbell | DetectorHooks.DeviceDma | DetectorHooks.DeviceControl;

    /// <inheritdoc/>
    public DetectorNeeds Needs => DetectorNeeds.None;

    /// <inheritdoc/>
    public void OnDoorbell(DetectorView view, in Doorbell doorbell) => _doorbell[doorbell.Device] = doorbell.Index;

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
        // No handover yet, or the new owner started the device itself, or a quiesce stopped it since it was started.
        if (_handover < 0 || _doorbell[d] > _handover || _quiesce[d] > _doorbell[d]) return;
        var severity = _mode[d] == IommuTreatment.Abort ? Severity.Warning : Severity.Error;
        view.Report(Kind, severity, access.Index, _handover, _modeSetAt[d]);
    }
}
