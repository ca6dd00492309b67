namespace TraceTools.TraceFormat.Internals;

// Metadata section 4: the devices' IOMMU modes at the trace's start (AgentInfo.IommuAtStart, docs/model.md §11).
// Body: varint n, then n times a varint agent id (rising, a device) and a byte, the mode (1 bypass, 2 abort).
// Translate is every device's mode unless listed, so it is never written: one encoding per metadata, and a trace
// whose devices all start translated carries no section and stays byte-identical to one written before tag 4.
static partial class MetadataCodec
{
    /// <summary>The section body for <paramref name="agents"/>, or null when every device starts translated.</summary>
    static byte[]? EncodeIommuModes(IReadOnlyList<AgentInfo> agents)
    {
        int n = agents.Count(a => a.IommuAtStart != IommuTreatment.Translate);
        if (n == 0) return null;
        var w = new BlockWriter();
        w.Varint((ulong)n);
        for (int i = 0; i < agents.Count; i++)
        {
            if (agents[i].IommuAtStart == IommuTreatment.Translate) continue;
            w.Varint((ulong)i);
            w.Byte((byte)agents[i].IommuAtStart);
        }
        return w.ToArray();
    }

    /// <summary>Decodes section 4 into the metadata's agents.</summary>
    static TraceMetadata DecodeIommuModes(ref BlockReader body, TraceMetadata m)
    {
        var agents = m.Agents.ToArray();
        int n = body.Count("IOMMU mode", agents.Length, 2);
        long previous = -1;
        for (int k = 0; k < n; k++)
        {
            long at = body.Offset;
            ulong id = body.Varint("IOMMU mode's agent");
            if (id >= (ulong)agents.Length || (long)id <= previous)
                body.Fail(at, $"IOMMU modes at the start: agent {id} is not an agent after agent {previous} (of {agents.Length})");
            if (agents[id].IsCpu) body.Fail(at, $"IOMMU modes at the start: agent {id} ('{agents[id].Name}') is a cpu: only devices DMA");
            previous = (long)id;
            long modeAt = body.Offset;
            byte mode = body.Byte("IOMMU mode");
            // Translate is implied by leaving the device out: a listed translate would be a second spelling.
            if (mode is not ((byte)IommuTreatment.Bypass or (byte)IommuTreatment.Abort))
                body.Fail(modeAt, $"IOMMU modes at the start: mode {mode} of '{agents[id].Name}' (expected 1 bypass or 2 abort; translate is not listed)", 1);
            agents[id] = agents[id] with { IommuAtStart = (IommuTreatment)mode };
        }
        return m.WithAgents(agents);
    }
}
