using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

public sealed partial class FindingText
{
    Arch Arch => _md.Arch;

    /// <summary>A store barrier that orders a store before a release of class <paramref name="release"/> for a device, per arch.</summary>
    string StoreBarrier(EventKind release) => Arch switch
    {
        Arch.Arm64 => "a store barrier (dma_wmb / dmb oshst)",
        Arch.X86_64 => "a fence (wmb / sfence)",
        Arch.Riscv64 => release is EventKind.MmioWrite or EventKind.DevInvalidate
            ? "a store barrier (dma_wmb / fence w,o)"
            : "a store barrier (dma_wmb / fence ow,ow)",
        _ => "a store barrier (dma_wmb)",
    };

    string ReadBarrier => Arch switch
    {
        Arch.Arm64 => "a read barrier (dma_rmb / dmb oshld)",
        Arch.X86_64 => "a read barrier (rmb / lfence)",
        Arch.Riscv64 => "a read barrier (dma_rmb / fence ir,ir)",
        _ => "a read barrier (dma_rmb)",
    };

    string CompletionBarrier => Arch switch
    {
        Arch.Arm64 => "a completion barrier (wmb / dsb st)",
        Arch.X86_64 => "sfence (wmb) or mfence",
        Arch.Riscv64 => "a fence that holds w and reaches the device (wmb / fence w,o)",
        _ => "a completion barrier (wmb)",
    };

    const string Protocol = "clear present, dev_invalidate the entry, update it, then set present (clear → invalidate → update → set)";

    /// <summary>
    /// The trace index of the cpu-side event the fix goes to, the one <see cref="Help"/> names (SARIF's primary
    /// location): the publish a barrier must precede, the acquire a read barrier must follow, the store to
    /// clean, the cpu's side of a race; the trigger when the kind is fixed at it.
    /// </summary>
    public long FixAt
    {
        get
        {
            long at = _f.Kind switch
            {
                FindingKind.StaleDmaRead => Rel(RelatedRole.Publish) >= 0 ? Rel(RelatedRole.Publish) : Rel(RelatedRole.Store),
                FindingKind.StaleCpuRead => Rel(RelatedRole.Acquire) >= 0 ? Rel(RelatedRole.Acquire) : _f.Trigger,
                FindingKind.DmaRace => _trigger.Kind.IsCpuEvent() ? _f.Trigger : Rel(RelatedRole.Other),
                FindingKind.TornEntryFetch or FindingKind.MissingCacheClean => Rel(RelatedRole.Store),
                FindingKind.UnquiescedDma => Rel(RelatedRole.Handover),
                FindingKind.DmaOutsideMapping => Rel(RelatedRole.Mapping) >= 0 ? Rel(RelatedRole.Mapping) : Rel(RelatedRole.Unmap),
                FindingKind.TornEntryFetch or FindingKind.MissingCacheClean or FindingKind.SharedCacheline => Rel(RelatedRole.Store),
                FindingKind.DiscardedStore => Rel(RelatedRole.Invalidation),
                _ => _f.Trigger,
            };
            return at >= 0 ? at : _f.Trigger;
        }
    }

    /// <summary>The <c>help:</c> text: what would fix this instance on the trace's arch.</summary>
    public string Help
    {
        get
        {
            long t = _f.Trigger;
            return _f.Kind switch
            {
                FindingKind.StaleDmaRead =>
                    $"put {StoreBarrier(Kind(Rel(RelatedRole.Publish)))} between #{N(Rel(RelatedRole.Store))} and #{N(Rel(RelatedRole.Publish))}",
                FindingKind.StaleCpuRead =>
                    $"put {ReadBarrier} between the acquire at #{N(Rel(RelatedRole.Acquire))} and #{N(t)} (or use readl / smp_load_acquire)",
                FindingKind.DmaRace => _trigger.Kind.IsCpuEvent()
                    ? $"wait for {AgentOf(Rel(RelatedRole.Other))}'s completion (status read, interrupt or completion flag) before reusing {TriggerRange}"
                    : $"hand {TriggerRange} to {TriggerAgent} (doorbell, flag or lock) only after {AgentOf(Rel(RelatedRole.Other))} is done with it",
                FindingKind.TornEntryFetch => $"{Protocol}, so that {FetcherName} never fetches {EntryName} while it changes",
                FindingKind.MissingFlushAfterClear =>
                    $"put dev_invalidate {FetcherName} {EntryName} between the clear at #{N(Rel(RelatedRole.Clear))} and #{N(t)}"
                    + (Arch is Arch.X86_64 or Arch.Sc ? "" : $", with {StoreBarrier(EventKind.DevInvalidate)} between the clear and the invalidation"),
                FindingKind.PresentBeforePayload =>
                    $"put {StoreBarrier(EventKind.Store)} between the payload store #{N(Rel(RelatedRole.Payload))} and the store that sets present #{N(t)}",
                FindingKind.TornEntryUpdate => $"update live entries with {Protocol}, or with one atomic store",
                FindingKind.MissingCacheClean =>
                    $"put cache_clean {TriggerRange} after #{N(Rel(RelatedRole.Store))}, then {CompletionBarrier} before the publish",
                FindingKind.MissingCacheInvalidate =>
                    $"put cache_inval {TriggerRange} after the completion of #{N(Rel(RelatedRole.DmaWrite))} is observed and before #{N(t)}",
                FindingKind.UnquiescedDma or FindingKind.DmaOutsideMapping => DeviceControlHelp,
                FindingKind.SharedCacheline =>
                    $"give the DMA buffer {RangeOf(Rel(RelatedRole.DmaWrite))} cache lines of its own (align and pad it to ARCH_DMA_MINALIGN, {N(_md.CacheLineSize)} bytes here, e.g. ____cacheline_aligned), so that {RangeOf(Rel(RelatedRole.Store))} lies outside them; or do not write that line from the hand-off until dma_sync_single_for_cpu",
                FindingKind.DiscardedStore =>
                    $"clean the line before invalidating it (cache_clean or dma_sync_single_for_device after #{N(Rel(RelatedRole.Store))}), or use cache_flush (clean + invalidate) at #{N(Rel(RelatedRole.Invalidation))}; dma_sync_single_for_cpu discards what the cpu stored in the buffer",
                _ => "",
            };
        }
    }
}
