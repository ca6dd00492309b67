using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

// The words of docs/model.md §11's kinds: what the IOMMU mode made of a DMA that outlived its kernel, and what was
// wrong with a DMA's mapping.
public sealed partial class FindingText
{
    /// <summary>The IOMMU mode in force at the trigger: the related iommu_mode's, the device's mode at the trace's start when it was never set.</summary>
    IommuTreatment Mode
    {
        get
        {
            long at = Rel(RelatedRole.IommuMode);
            return at < 0 ? ModeAtStart : EventOperands.Treatment(_events[at].Aux);
        }
    }

    /// <summary>The trigger's device's IOMMU mode when the trace began (translate unless declared: <see cref="AgentInfo.IommuAtStart"/>).</summary>
    IommuTreatment ModeAtStart => _trigger.Agent < _md.Agents.Count ? _md.Agents[_trigger.Agent].IommuAtStart : IommuTreatment.Translate;

    /// <summary>
    /// True for unquiesced-dma's second case (docs/model.md §11): no handover since the device was started, but its
    /// IOMMU mode changed under it.
    /// </summary>
    bool ModeChangedUnderDevice => Rel(RelatedRole.Handover) < 0;

    /// <summary>Where the device's run began: the related doorbell, or before the trace when it was never rung.</summary>
    string LastStarted => Rel(RelatedRole.Doorbell) is >= 0 and var at
        ? $"(the doorbell at #{N(at)})"
        : $"(before the trace began, under {ModeAtStart.Name()}: its mode at the trace's start)";

    /// <summary>
    /// After a handover, when the mode in force is the device's mode at the start (no change related) and the message
    /// names no other source for it: where the mode the outcome depends on comes from.
    /// </summary>
    string ModeSinceStart => Rel(RelatedRole.IommuMode) < 0 && Rel(RelatedRole.Doorbell) >= 0 && ModeAtStart != IommuTreatment.Translate
        ? $" (in {ModeAtStart.Name()} since the trace's start)"
        : "";

    /// <summary>After a handover, the related iommu_mode was set by the new owner (after the handover).</summary>
    bool ModeSetByNewOwner => Rel(RelatedRole.IommuMode) > Rel(RelatedRole.Handover);

    /// <summary>After a handover, the old owner changed the mode after it last rang the device: the quiesce belongs before that change.</summary>
    bool ModeChangedBeforeHandover => Rel(RelatedRole.IommuMode) is >= 0 and var m && m > Rel(RelatedRole.Doorbell) && m < Rel(RelatedRole.Handover);

    /// <summary>What the device's IOMMU mode at the DMA makes of it (docs/model.md §11), for either case.</summary>
    string IommuOutcome => (Mode, ModeChangedUnderDevice) switch
    {
        (IommuTreatment.Bypass, false) => "the IOMMU is in bypass, so its DMA goes untranslated into the new owner's memory",
        (IommuTreatment.Bypass, true) => "the IOMMU no longer translates, so its DMA goes to whatever physical memory its addresses name",
        (IommuTreatment.Abort, false) => "the IOMMU aborts its transactions, so they fault (a fault storm in the new owner) instead of landing in memory",
        (IommuTreatment.Abort, true) => "the IOMMU aborts its transactions, so they fault (a fault storm) instead of landing in memory",
        (_, false) when ModeSetByNewOwner => "the new owner's IOMMU translates its addresses through mappings not made for them",
        (_, false) => "the IOMMU still translates, so the old owner's stale mappings live on",
        (_, true) => "the IOMMU now translates its addresses through mappings not made for them",
    };

    /// <summary>Why the DMA's bytes are not mapped for it: a mapping of the wrong direction, an unmap, or no mapping at all.</summary>
    string MappingProblem
    {
        get
        {
            long mapping = Rel(RelatedRole.Mapping), unmap = Rel(RelatedRole.Unmap);
            if (mapping >= 0)
            {
                return $"against the direction of its mapping at #{N(mapping)} ({EventOperands.Direction(_events[mapping].Aux).Name()})";
            }
            return unmap >= 0 ? $"after the dma_unmap at #{N(unmap)} ended its mapping" : "without a dma_map of all of those bytes for it";
        }
    }

    /// <summary>The help line of the §11 kinds.</summary>
    string DeviceControlHelp => _f.Kind switch
    {
        FindingKind.UnquiescedDma => ModeChangedUnderDevice
            ? Mode == IommuTreatment.Translate
                // A translating domain attached under a device left running (a kdump kernel, a probe): the device must
                // be reset before, or stopped by the kernel that started it; no IOMMU was shut down.
                ? $"stop {TriggerAgent} and wait until it is idle (quiesce {TriggerAgent}: a reset before its IOMMU domain is attached, or the .shutdown of the kernel that started it) before its IOMMU mode changes at #{N(Rel(RelatedRole.IommuMode))}, and start it again only after the change"
                : $"stop {TriggerAgent} and wait until it is idle (its driver's .shutdown: quiesce {TriggerAgent}) before its IOMMU mode changes at #{N(Rel(RelatedRole.IommuMode))}, and start it again only after the change: shut the IOMMU's clients down before the IOMMU"
            : ModeChangedBeforeHandover
                ? $"stop {TriggerAgent} and wait until it is idle (its driver's .shutdown: quiesce {TriggerAgent}) before its IOMMU mode changes at #{N(Rel(RelatedRole.IommuMode))} and the handover at #{N(Rel(RelatedRole.Handover))}"
                : $"stop {TriggerAgent} and wait until it is idle (its driver's .shutdown: quiesce {TriggerAgent}) before the handover at #{N(Rel(RelatedRole.Handover))}",
        _ => Rel(RelatedRole.Mapping) >= 0
            ? $"map {TriggerRange} for {TriggerAgent} with the direction it is used in (or bidirectional)"
            : Rel(RelatedRole.Unmap) >= 0
                ? $"keep {TriggerRange} mapped for {TriggerAgent} until it is done with it (unmap after its completion)"
                : $"map all of {TriggerRange} for {TriggerAgent} (dma_map with the direction it is used in) before handing it over, and keep it mapped until {TriggerAgent} is done with it",
    };
}
