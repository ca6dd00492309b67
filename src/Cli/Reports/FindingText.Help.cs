using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Cli.Reports;

public sealed partial class FindingText
{
    Arch Arch => _md.Arch;

    /// <summary>
    /// A store barrier that orders a store before a release of class <paramref name="release"/> for a device, per
    /// arch, each macro named with the instruction the contract maps it to (model.md, barrier table: riscv64 dma_wmb is
    /// <c>fence ow,ow</c>); before an MMIO write riscv64's narrower <c>fence w,o</c> also suffices.
    /// </summary>
    string StoreBarrier(EventKind release) => Arch switch
    {
        Arch.Arm64 => "a store barrier (dma_wmb / dmb oshst)",
        Arch.X86_64 => "a fence (wmb / sfence)",
        Arch.Riscv64 => release is EventKind.MmioWrite or EventKind.DevInvalidate
            ? "a store barrier (dma_wmb / fence ow,ow, or the narrower fence w,o)"
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

    /// <summary>
    /// The barrier that completes cache maintenance before a device's doorbell, per arch (model.md §3), naming the
    /// one a driver may take for it where it is not: the <c>dma_wmb</c> that <c>writel</c> has.
    /// </summary>
    string CompletionBarrier => Arch switch
    {
        Arch.Arm64 => "a completion barrier (wmb / dsb st; the dma_wmb in writel is dmb oshst, which does not complete it)",
        Arch.X86_64 => "sfence (wmb) or mfence (dma_wmb is a compiler barrier)",
        Arch.Riscv64 => "a fence that holds w and reaches the device (wmb / fence ow,ow)",
        _ => "a completion barrier (wmb)",
    };

    /// <summary>A store barrier that orders a store before a release for another cpu only (inner), per arch; null where none is ever needed.</summary>
    string? CpuStoreBarrier => Arch switch
    {
        Arch.Arm64 => "smp_wmb (dmb ishst)",
        Arch.Riscv64 => "smp_wmb (fence w,w)",
        _ => null,
    };

    /// <summary>A read barrier that orders a cpu's later loads after an acquire from another cpu (inner), per arch; null where none is ever needed.</summary>
    string? CpuReadBarrier => Arch switch
    {
        Arch.Arm64 => "smp_rmb (dmb ishld)",
        Arch.Riscv64 => "smp_rmb (fence r,r)",
        _ => null,
    };

    /// <summary>
    /// The update of a live entry (model.md §4, torn-entry-fetch and torn-entry-update: clear → invalidate → update →
    /// set), with the store barriers the arch needs for the fetcher (§3): the clear before the invalidation (w → o) and
    /// the update before the set (w → w, outer); none on x86_64 (TSO keeps both) and sc. Without them, following it
    /// gives missing-flush-after-clear and present-before-payload.
    /// </summary>
    string Protocol => Arch switch
    {
        Arch.Arm64 or Arch.Riscv64 =>
            $"clear present, {StoreBarrier(EventKind.Store)}, dev_invalidate the entry, update it, dma_wmb again, then set present (clear → dma_wmb → invalidate → update → dma_wmb → set)",
        _ => "clear present, dev_invalidate the entry, update it, then set present (clear → invalidate → update → set)",
    };

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
                FindingKind.StaleDmaRead => Fixes?.PresentTooEarlyWith(Rel(RelatedRole.Publish)) is { } early ? early.Trigger
                    : Fixes?.DirtyAt(Rel(RelatedRole.Store), _f.Trigger) is not null ? Rel(RelatedRole.Store)
                    : Rel(RelatedRole.Publish) >= 0 ? Rel(RelatedRole.Publish) : Rel(RelatedRole.Store),
                FindingKind.StaleCpuRead => Rel(RelatedRole.Acquire) >= 0 ? Rel(RelatedRole.Acquire) : _f.Trigger,
                FindingKind.DmaRace => _trigger.Kind.IsCpuEvent() ? _f.Trigger : Rel(RelatedRole.Other),
                FindingKind.UnquiescedDma => ModeChangedUnderDevice || ModeChangedBeforeHandover ? Rel(RelatedRole.IommuMode) : Rel(RelatedRole.Handover),
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
                FindingKind.StaleDmaRead => StaleDmaReadHelp,
                FindingKind.StaleCpuRead => StaleCpuReadHelp,
                FindingKind.DmaRace => _trigger.Kind.IsCpuEvent()
                    ? $"wait for {AgentOf(Rel(RelatedRole.Other))}'s completion (status read, interrupt or completion flag) before {(_trigger.Kind is EventKind.Load or EventKind.LoadAcquire ? "reading" : "reusing")} {TriggerRange}"
                    : $"hand {TriggerRange} to {TriggerAgent} (doorbell, flag or lock) only after {AgentOf(Rel(RelatedRole.Other))} is done with it",
                FindingKind.TornEntryFetch => $"{Protocol}, so that {FetcherName} never fetches {EntryName} while it changes",
                FindingKind.MissingFlushAfterClear => MissingFlushAfterClearHelp,
                FindingKind.PresentBeforePayload => PresentBeforePayloadHelp,
                FindingKind.TornEntryUpdate => $"update live entries with {Protocol}, or with one atomic store",
                FindingKind.MissingCacheClean => MissingCacheCleanHelp,
                FindingKind.MissingCacheInvalidate =>
                    $"put {(Arch == Arch.X86_64 ? "cache_flush (clflush; x86_64 has no invalidation alone)" : "cache_inval")} {TriggerRange} on {TriggerAgent} after the completion of #{N(Rel(RelatedRole.DmaWrite))} is observed and before #{N(t)}",
                FindingKind.UnquiescedDma or FindingKind.DmaOutsideMapping => DeviceControlHelp,
                FindingKind.LiveEntryWrite =>
                    $"invalidate the entry after the store: put dev_invalidate {FetcherName} {EntryName} after #{N(t)}"
                    + (Arch is Arch.X86_64 or Arch.Sc ? "" : $", with {StoreBarrier(EventKind.DevInvalidate)} between them")
                    + $", before {FetcherName} fetches it again; or {Protocol}"
                    + (EventText.EntryAt(_md, _trigger.Address) is { Table.UsedBits: not null }
                        ? "; or a hitless update: change only bits the current configuration does not use, invalidate, store the one critical qword, invalidate, clear what the new configuration does not use, invalidate"
                        : "; a descriptor ring without invalidation: write the whole entry before setting present"),
                FindingKind.SmcccClobber or FindingKind.SmcccResultLost => FirmwareHelp,
                FindingKind.SharedCacheline =>
                    $"give the DMA buffer {RangeOf(Rel(RelatedRole.DmaWrite))} cache lines of its own (align and pad it to ARCH_DMA_MINALIGN, {N(_md.CacheLineSize)} bytes here, e.g. ____cacheline_aligned), so that {RangeOf(Rel(RelatedRole.Store))} lies outside them; or do not write that line from the hand-off until dma_sync_single_for_cpu",
                FindingKind.DiscardedStore =>
                    $"clean the line before invalidating it (cache_clean or dma_sync_single_for_device after #{N(Rel(RelatedRole.Store))}), or use cache_flush (clean + invalidate) at #{N(Rel(RelatedRole.Invalidation))}; dma_sync_single_for_cpu discards what the cpu stored in the buffer",
                _ => "",
            };
        }
    }

    /// <summary>
    /// missing-cache-clean: a clean by the storing cpu, completed before that cpu's release toward the device (the
    /// rule's "by S's cpu" and "a release of S's cpu": a clean or barrier on the cpu that rings the doorbell after a
    /// hand-off does not count). The release is the first hop of the hb path the replay logged, when it has one.
    /// </summary>
    string MissingCacheCleanHelp
    {
        get
        {
            long s = Rel(RelatedRole.Store);
            string cpu = AgentOf(s);
            long release = s >= 0 && Fixes is { } fixes ? fixes.FirstRelease(_events[s].Agent, s, _trigger.Agent, _f.Trigger) : -1;
            string before = release >= 0 && _events.Has(release) ? $"before #{N(release)}, {cpu}'s {PublishNoun(release)}" : $"before {cpu}'s release of it (the doorbell, or the flag that hands it on)";
            // A barrier that completes maintenance already lies between (riscv64 writel's dma_wmb is fence ow,ow):
            // the clean alone before it is the fix, and asking for another barrier would send the engineer looking.
            if (release >= 0 && CompletingBarrierBetween(s, release) is >= 0 and var b)
                return $"put cache_clean {TriggerRange} on {cpu} after #{N(s)} and before #{N(b)}: the {new BarrierCode((ushort)_events[b].Aux)} at #{N(b)} completes it {before}";
            return $"put cache_clean {TriggerRange} on {cpu} after #{N(s)}, then {CompletionBarrier} {before}";
        }
    }

    /// <summary>
    /// The store's cpu's latest barrier after <paramref name="store"/> and before <paramref name="release"/> that
    /// completes cache maintenance on the trace's arch (<see cref="Replay.Ordering.BarrierQuery.CompletesCacheMaintenance"/>),
    /// or -1 (<see cref="LatestBetween"/>).
    /// </summary>
    long CompletingBarrierBetween(long store, long release)
    {
        int cpu = _events[store].Agent;
        return LatestBetween(store, release, e => e.Agent == cpu && e.Kind == EventKind.Barrier
            && Replay.Ordering.BarrierQuery.CompletesCacheMaintenance(Arch, new BarrierCode((ushort)e.Aux)));
    }

    /// <summary>
    /// The latest event after <paramref name="after"/> and before <paramref name="before"/> that <paramref name="matches"/>,
    /// within <see cref="LadderEvents.ScanNear"/> events before <paramref name="before"/>, or -1 (also where the lookup
    /// lacks an event): what a help names when the fix's event is there and failed. Once per finding.
    /// </summary>
    long LatestBetween(long after, long before, Func<TraceEvent, bool> matches)
    {
        for (long i = before - 1; i > after && i >= before - LadderEvents.ScanNear; i--)
        {
            if (!_events.Has(i)) return -1;
            if (matches(_events[i])) return i;
        }
        return -1;
    }

    /// <summary>
    /// missing-flush-after-clear: an invalidation between the clear and the change, ordered after the clear and
    /// hb-before the change (model.md §4). Where one is there and failed (<see cref="LatestInvalidation"/>), the help
    /// names what it lacked: on the changing cpu, the clear's order before it (a store barrier when the clear is that
    /// cpu's, a hand-off when another cpu cleared: §7.15); on the clearing cpu, the barrier before it when it is
    /// handed over to the changing cpu, else that hand-off. Without one, where to put it.
    /// </summary>
    string MissingFlushAfterClearHelp
    {
        get
        {
            long c = Rel(RelatedRole.Clear), t = _f.Trigger;
            if (c < 0) return "";
            string invalidate = $"dev_invalidate {FetcherName} {EntryName}";
            bool weak = Arch is not (Arch.X86_64 or Arch.Sc);
            int clearCpu = _events[c].Agent, changeCpu = _trigger.Agent;
            string barrierBetween(long i) => $"{StoreBarrier(EventKind.DevInvalidate)} between the clear at #{N(c)} and the invalidation at #{N(i)}";
            long inv = LatestInvalidation(c, t);
            if (inv >= 0 && _events[inv].Agent == changeCpu)
            {
                return clearCpu == changeCpu
                    ? $"put {barrierBetween(inv)}: the clear is not ordered before it"
                    : $"hand {AgentOf(c)}'s clear at #{N(c)} over to {TriggerAgent} (a store_release flag or a lock) before {TriggerAgent}'s invalidation at #{N(inv)}: an invalidation is ordered after another cpu's clear only through a hand-off";
            }
            if (inv >= 0 && _events[inv].Agent == clearCpu)
            {
                if (weak && Fixes?.HandsOff(clearCpu, inv, changeCpu, t) == true)
                    return $"put {barrierBetween(inv)} on {AgentOf(c)}: the clear is not ordered before it";
                return $"hand {AgentOf(inv)}'s invalidation at #{N(inv)} over to {TriggerAgent} (a store_release flag after it, or a lock) before #{N(t)}"
                    + (weak ? $", with {barrierBetween(inv)}" : "");
            }
            if (clearCpu != changeCpu)
                return $"hand {AgentOf(c)}'s clear at #{N(c)} over to {TriggerAgent} (a store_release flag or a lock) and put {invalidate} on {TriggerAgent} after it, before #{N(t)}: an invalidation is ordered after another cpu's clear only through a hand-off";
            return $"put {invalidate} between the clear at #{N(c)} and #{N(t)}"
                + (weak ? $", with {StoreBarrier(EventKind.DevInvalidate)} between the clear and the invalidation" : "");
        }
    }

    /// <summary>
    /// The latest invalidation of the trigger's entry (or of all entries) by its fetcher between the clear
    /// <paramref name="clear"/> and <paramref name="change"/>, within <see cref="LadderEvents.ScanNear"/> events
    /// before the change, or -1: what the help of a missing-flush-after-clear names when one is there and failed.
    /// </summary>
    long LatestInvalidation(long clear, long change) => LatestBetween(clear, change,
        e => e.Kind == EventKind.DevInvalidate && EventText.InvalidatesEntry(_md, _trigger.Address, e.Aux, e.Address, e.Size));

    /// <summary>
    /// stale-dma-read: the barrier for the observer of the publish's first hop (docs/model.md §10): a cpu that
    /// takes the hand-off needs only smp_wmb or a store_release; a device needs dma_wmb. When the publish is a
    /// payload store of an entry that is made present too early (a payload field in the present word, as in
    /// stmmac's des2), the one barrier before the present store fixes both findings: both say so. When the same read of
    /// the same store is also a missing-cache-clean (a noncoherent device), the clean and the completion barrier fix
    /// both: the help is that finding's.
    /// </summary>
    string StaleDmaReadHelp
    {
        get
        {
            long s = Rel(RelatedRole.Store), p = Rel(RelatedRole.Publish);
            if (Fixes?.PresentTooEarlyWith(p) is { } early)
                return new FindingText(_md, early, _events) { Fixes = Fixes }.Help;
            if (Fixes?.DirtyAt(s, _f.Trigger) is { } dirty)
                return new FindingText(_md, dirty, _events) { Fixes = Fixes }.Help + $": it also orders #{N(s)} before the {PublishNoun(p)} #{N(p)}";
            var observer = s >= 0 && Fixes is { } fixes ? fixes.FirstHop(_events[s].Agent, p, _trigger.Agent, _f.Trigger) : FixObserver.Unknown;
            if (observer == FixObserver.Cpu && CpuStoreBarrier is { } smp)
                return $"put {smp} between #{N(s)} and #{N(p)}"
                    + (Kind(p) == EventKind.Store ? $", or write #{N(p)} with store_release (smp_store_release)" : "")
                    + $": #{N(p)} hands the data to a cpu, which needs no device barrier";
            return $"put {StoreBarrier(Kind(p))} between #{N(s)} and #{N(p)}";
        }
    }

    /// <summary>
    /// stale-cpu-read: the read barrier for the releaser of the acquire (docs/model.md §7.3, §10): dma_rmb for a
    /// device (a load_acquire is not enough: it orders for cpus only), smp_rmb or a load_acquire for a cpu.
    /// </summary>
    string StaleCpuReadHelp
    {
        get
        {
            long a = Rel(RelatedRole.Acquire), t = _f.Trigger;
            bool mmio = Kind(a) == EventKind.MmioRead;
            var releaser = mmio ? FixObserver.Device : Fixes?.Releaser(_trigger.Agent, a) ?? FixObserver.Unknown;
            if (releaser == FixObserver.Cpu && CpuReadBarrier is { } smp)
                return $"put {smp} between the acquire at #{N(a)} and #{N(t)}, or read #{N(a)} with load_acquire (smp_load_acquire): another cpu released what #{N(a)} read";
            string also = mmio ? " (or read the status with readl)"
                : releaser == FixObserver.Device ? "" : $" ({CpuReadBarrier ?? "smp_rmb"} or load_acquire suffice if a cpu released what #{N(a)} read)";
            return $"put {ReadBarrier} between the acquire at #{N(a)} and #{N(t)}{also}";
        }
    }

    /// <summary>
    /// present-before-payload: a payload stored by another cpu must reach the cpu that sets present through an
    /// ordered hand-off (a cpu observer: smp_wmb or store_release); one stored by that cpu itself needs the
    /// device barrier before the present store (the fetcher observes).
    /// </summary>
    string PresentBeforePayloadHelp
    {
        get
        {
            long m = Rel(RelatedRole.Payload), t = _f.Trigger;
            if (m >= 0 && _events[m].Agent != _trigger.Agent && Fixes?.HandsOff(_events[m].Agent, m, _trigger.Agent, t) == false)
                return $"{TriggerAgent} sets present at #{N(t)} with no hand-off from {AgentOf(m)} since the payload store #{N(m)} that the replay saw: hand the payload over before setting present, from {AgentOf(m)} with a flag written with store_release (smp_store_release) or a lock, or, where a device relays it (edges out of devices are not logged), with {StoreBarrier(EventKind.MmioWrite)} before {AgentOf(m)}'s doorbell (writel)";
            if (m >= 0 && _events[m].Agent != _trigger.Agent && CpuStoreBarrier is { } smp)
                return $"order the payload store #{N(m)} before {AgentOf(m)}'s hand-off to {TriggerAgent} with {smp}, or make that hand-off a store_release (smp_store_release)";
            return $"put {StoreBarrier(EventKind.Store)} between the payload store #{N(m)} and the store that sets present #{N(t)}";
        }
    }
}
