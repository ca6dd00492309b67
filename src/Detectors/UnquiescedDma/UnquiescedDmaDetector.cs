using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Detectors.UnquiescedDma;

/// <summary>
/// <c>unquiesced-dma</c> (docs/model.md §11): a device <c>dma_read</c> or <c>dma_write</c> X, when no <c>quiesce</c>
/// of the device lies between its last doorbell before X (or the trace's start, when it had none) and X, and either a
/// <c>handover</c> lies between that doorbell and X, or the device's IOMMU mode at X differs from its mode when its run
/// began (its first doorbell after its last quiesce or the last handover; the trace's start, under the device's declared
/// mode, when it was running before the trace: never rung, or its DMA came before its first doorbell). An error; a warning when the device's IOMMU
/// mode at X is <c>abort</c> (the transaction faults instead of reaching memory). Related: <c>handover</c>,
/// <c>iommu-mode</c> and <c>doorbell</c> as the rule says per case. One per X.
/// </summary>
public sealed class UnquiescedDmaDetector : IDetector
{
    long _handover = -1;
    // Per agent (only devices are written): trace indices, -1 for none. The run: from the doorbell that began it (its
    // first after a quiesce of the device or a handover) to the next quiesce or handover.
    readonly long[] _doorbell, _quiesce, _modeChangedAt, _runStart;
    // Per device: it did DMA before the trace rang it, with no quiesce or handover before: its run began before the
    // trace, so its first doorbell is a refill of that run, not a new one.
    readonly bool[] _ranBeforeTrace;
    // Per device: its IOMMU mode now, and the mode its run began under (its mode at the trace's start, translate unless
    // declared, for one started before the trace).
    readonly IommuTreatment[] _mode, _modeAtRunStart;

    /// <summary>Creates the detector for a trace of <paramref name="agents"/> (their IOMMU modes at the start: <see cref="AgentInfo.IommuAtStart"/>).</summary>
    public UnquiescedDmaDetector(IReadOnlyList<AgentInfo> agents)
    {
        int n = agents.Count;
        _doorbell = NoneFor(n);
        _quiesce = NoneFor(n);
        _runStart = NoneFor(n);
        _modeChangedAt = NoneFor(n);
        _mode = new IommuTreatment[n];
        _modeAtRunStart = new IommuTreatment[n];
        _ranBeforeTrace = new bool[n];
        for (int d = 0; d < n; d++) _mode[d] = _modeAtRunStart[d] = agents[d].IommuAtStart;
    }

    static long[] NoneFor(int agents)
    {
        var a = new long[agents];
        Array.Fill(a, -1);
        return a;
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
        int d = doorbell.Device;
        // A doorbell begins a run when it is the device's first (unless the device did DMA before it, with no quiesce or
        // handover since the trace began: then it refills the run that began before the trace), or a quiesce or
        // handover ended the run since the last one; any other register write (a refill, an interrupt acknowledge, the
        // .shutdown's own stop) belongs to the run under way, whose addresses were set up for the mode it began under.
        bool first = _doorbell[d] < 0 && !(_ranBeforeTrace[d] && _quiesce[d] < 0 && _handover < 0);
        if (first || Math.Max(_quiesce[d], _handover) > _doorbell[d])
        {
            _runStart[d] = doorbell.Index;
            _modeAtRunStart[d] = _mode[d];
        }
        _doorbell[d] = doorbell.Index;
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
                int d = control.Device;
                // A re-set to the same mode changes nothing: the change is the event that set the mode in force.
                if (control.Mode != _mode[d]) _modeChangedAt[d] = control.Index;
                _mode[d] = control.Mode;
                break;
        }
    }

    /// <inheritdoc/>
    public void OnDeviceDma(DetectorView view, in DataAccess access)
    {
        int d = access.Agent;
        if (_doorbell[d] < 0 && _quiesce[d] < 0 && _handover < 0) _ranBeforeTrace[d] = true;
        // A quiesce stopped the device since it was last rung: whatever runs now, the trace takes at its word.
        if (_quiesce[d] > _doorbell[d]) return;
        var severity = _mode[d] == IommuTreatment.Abort ? Severity.Warning : Severity.Error;
        // The old owner started the device and the new owner did not.
        // Related: the change that set the mode in force (a re-set changed nothing), none when the mode is the start's.
        if (_handover > _doorbell[d]) view.Report(Kind, severity, access.Index, [_handover, _modeChangedAt[d], _doorbell[d]]);
        // The device's addresses were set up for the mode its run began under and land under another (an IOMMU shut
        // down before its client): a mode that differs was set after the run began, so _modeChangedAt is after it.
        else if (_mode[d] != _modeAtRunStart[d]) view.Report(Kind, severity, access.Index, [-1, _modeChangedAt[d], _runStart[d]]);
    }
}
