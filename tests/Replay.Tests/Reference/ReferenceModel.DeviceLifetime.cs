using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// docs/model.md §11, literally: quiesce's hb edge, and the rules unquiesced-dma and dma-outside-mapping applied
/// to each device DMA by scanning the events before it.
/// </summary>
public sealed partial class ReferenceModel
{
    /// <summary>quiesce D: D's earlier events → the cpu's LATER events (its next one; po carries it on). Nothing to D.</summary>
    void QuiesceEdge(int i) => AddCross(PrevOfAgent((int)Ev(i).Aux, i), NextOfAgent(AgentOf(i), i), EdgeKind.Quiesce);

    static int DeviceOf(TraceEvent e) => (int)(e.Aux & 0xffff);

    bool IsDeviceDma(int i) => KindOf(i) is EventKind.DmaRead or EventKind.DmaWrite;

    /// <summary>A cpu mmio_write to a register of <paramref name="device"/>.</summary>
    bool IsDoorbellOf(int j, int device) => KindOf(j) == EventKind.MmioWrite && RegionOf(Ev(j).Address)!.Device == device;

    /// <summary>The last event before <paramref name="before"/> matching <paramref name="match"/>, or -1.</summary>
    int LastBefore(int before, Func<int, bool> match)
    {
        for (int j = before - 1; j >= 0; j--) if (match(j)) return j;
        return -1;
    }

    void DeviceLifetimeRules(List<Finding> all)
    {
        for (int x = 0; x < _n; x++)
        {
            if (!IsDeviceDma(x)) continue;
            UnquiescedDma(all, x);
            DmaOutsideMapping(all, x);
        }
    }

    /// <summary>
    /// S = D's last doorbell before X (or the start: -1); no quiesce D between S and X; and either a handover between S
    /// and X (H, the last before X; related H, D's last iommu_mode before X that changed its mode, S), or D's IOMMU mode
    /// at X differs from its mode at R, the doorbell that began D's run: D's first doorbell after the last quiesce D or
    /// handover before S (its first doorbell when none, unless D did DMA before it: then the start; the start when S
    /// is) (related: the last iommu_mode D before X that changed D's mode, R).
    /// A mode at an event: D's last iommu_mode before it, its mode at the trace's start when none. Warning when D's mode at X is abort.
    /// </summary>
    void UnquiescedDma(List<Finding> all, int x)
    {
        int d = AgentOf(x);
        int s = LastBefore(x, j => IsDoorbellOf(j, d));
        for (int q = s + 1; q < x; q++)
            if (KindOf(q) == EventKind.Quiesce && Ev(q).Aux == (uint)d) return;
        int h = LastBefore(x, j => KindOf(j) == EventKind.Handover);
        var severity = ModeAt(x, d) == IommuTreatment.Abort ? Severity.Warning : Severity.Error;
        var related = new List<RelatedEvent>();
        if (h > s)
        {
            related.Add(new(RelatedRole.Handover, h));
            int m = LastChangeBefore(x, d);
            if (m >= 0) related.Add(new(RelatedRole.IommuMode, m));
            if (s >= 0) related.Add(new(RelatedRole.Doorbell, s));
        }
        else
        {
            int r = RunStart(s, d);
            if (ModeAt(x, d) == ModeAt(r, d)) return;
            related.Add(new(RelatedRole.IommuMode, LastChangeBefore(x, d)));
            if (r >= 0) related.Add(new(RelatedRole.Doorbell, r));
        }
        all.Add(new Finding(FindingKind.UnquiescedDma, x, [.. related]) { Severity = severity });
    }

    /// <summary>
    /// R for the last doorbell <paramref name="s"/> (-1: none): D's first doorbell after the last quiesce D or handover
    /// before s; the start (-1) when there is no such quiesce or handover and D did DMA before that doorbell (its run
    /// began before the trace).
    /// </summary>
    int RunStart(int s, int device)
    {
        if (s < 0) return -1;
        int end = LastBefore(s, j => KindOf(j) == EventKind.Handover || (KindOf(j) == EventKind.Quiesce && Ev(j).Aux == (uint)device));
        int first = s;
        for (int j = end + 1; j <= s; j++) if (IsDoorbellOf(j, device)) { first = j; break; }
        if (end < 0 && LastBefore(first, j => AgentOf(j) == device && KindOf(j) is EventKind.DmaRead or EventKind.DmaWrite) >= 0) return -1;
        return first;
    }

    /// <summary>D's last iommu_mode before <paramref name="x"/> that changed its mode (a re-set to the mode in force is no change), or -1.</summary>
    int LastChangeBefore(int x, int device) =>
        LastBefore(x, j => IsModeOf(j, device) && (IommuTreatment)(Ev(j).Aux >> 16) != ModeAt(j, device));

    bool IsModeOf(int j, int device) => KindOf(j) == EventKind.IommuMode && DeviceOf(Ev(j)) == device;

    /// <summary>D's IOMMU mode at event <paramref name="at"/> (-1: the start): its last iommu_mode before it, else its mode at the trace's start (translate unless declared).</summary>
    IommuTreatment ModeAt(int at, int device)
    {
        int m = at < 0 ? -1 : LastBefore(at, j => IsModeOf(j, device));
        return m < 0 ? _md.Agents[device].IommuAtStart : (IommuTreatment)(Ev(m).Aux >> 16);
    }

    /// <summary>A mapping of the reference: the dma_map's index, bytes and direction.</summary>
    sealed record RefMapping(int MappedAt, ulong Address, int Size, DmaDirection Direction)
    {
        public bool Covers(ulong b) => b >= Address && b - Address < (ulong)Size;
    }

    /// <summary>
    /// Checked when D has a dma_map before X. The live mappings at X: each dma_map of D, until the first later
    /// dma_unmap of D with the same address and size that ends it (an unmap ends the oldest live one it names).
    /// The first byte of X that no live mapping permitting X's direction covers fails; related: the latest live
    /// mapping covering it, else the latest unmap that ended a mapping covering it.
    /// </summary>
    void DmaOutsideMapping(List<Finding> all, int x)
    {
        int d = AgentOf(x);
        var live = new List<RefMapping>();
        var ended = new List<(RefMapping Mapping, int UnmappedAt)>();
        bool mapped = false;
        for (int j = 0; j < x; j++)
        {
            var e = Ev(j);
            if (e.Kind == EventKind.DmaMap && DeviceOf(e) == d)
            {
                mapped = true;
                live.Add(new RefMapping(j, e.Address, e.Size, (DmaDirection)(e.Aux >> 16)));
            }
            else if (e.Kind == EventKind.DmaUnmap && DeviceOf(e) == d)
            {
                var oldest = live.FirstOrDefault(m => m.Address == e.Address && m.Size == e.Size);
                if (oldest is null) continue;
                live.Remove(oldest);
                ended.Add((oldest, j));
            }
        }
        if (!mapped) return;
        bool write = KindOf(x) == EventKind.DmaWrite;
        bool Permits(RefMapping m) =>
            m.Direction == DmaDirection.Bidirectional || m.Direction == (write ? DmaDirection.FromDevice : DmaDirection.ToDevice);
        foreach (ulong b in Bytes(x))
        {
            if (live.Any(m => m.Covers(b) && Permits(m))) continue;
            var covering = live.Where(m => m.Covers(b)).ToList();
            RelatedEvent[] related;
            if (covering.Count > 0) related = [new(RelatedRole.Mapping, covering.Max(m => m.MappedAt))];
            else
            {
                var unmaps = ended.Where(u => u.Mapping.Covers(b)).ToList();
                related = unmaps.Count > 0 ? [new(RelatedRole.Unmap, unmaps.Max(u => u.UnmappedAt))] : [];
            }
            all.Add(new Finding(FindingKind.DmaOutsideMapping, x, related));
            return;
        }
    }
}
