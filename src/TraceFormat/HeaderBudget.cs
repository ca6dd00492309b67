using TraceTools.TraceFormat.Internals;

namespace TraceTools.TraceFormat;

/// <summary>
/// The bytes a trace header takes as a compiler or importer adds to it, against <see cref="TraceLimits.MaxHeaderBytes"/>:
/// the agent, region, lock or site that would take it past the cap is refused where it is read (a scenario's line and
/// column, an input's line), not by the writer once the whole input has been read.
/// </summary>
/// <remarks>
/// Exact: <see cref="Of"/> measures the metadata as the writer encodes it, and each item added counts its own bytes
/// and the growth of its list's count. What the sections hold (used bits, IOMMU modes at the start) counts only
/// through <see cref="Of"/>, so a compiler measures again once its declarations are complete.
/// </remarks>
public sealed class HeaderBudget
{
    int _agents, _regions, _locks, _sites;

    HeaderBudget(long used, TraceMetadata metadata)
    {
        Used = used;
        _agents = metadata.Agents.Count;
        _regions = metadata.Regions.Count;
        _locks = metadata.Locks.Count;
        _sites = metadata.Sites.Count;
    }

    /// <summary>The header's bytes so far.</summary>
    public long Used { get; private set; }

    /// <summary>The budget of a header that holds <paramref name="metadata"/>, measured as the writer encodes it.</summary>
    public static HeaderBudget Of(TraceMetadata metadata) => new(TraceLimits.HeaderBytes(metadata), metadata);

    /// <summary>
    /// The budget of a trace an importer writes over <paramref name="layout"/>'s declarations: their header, and room
    /// for the section saying memory values were not recorded (6 bytes), which an input may add after its sites.
    /// </summary>
    public static HeaderBudget OfLayout(TraceMetadata layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return Of(new TraceMetadata
        {
            Name = layout.Name, Arch = layout.Arch, Agents = layout.Agents, Regions = layout.Regions, CacheLineSize = layout.CacheLineSize,
            Locks = layout.Locks, Sites = layout.Sites, MemoryValuesRecorded = false,
        });
    }

    /// <summary>Why the header cannot take one more agent <paramref name="agent"/>, or null.</summary>
    public string? AgentProblem(AgentInfo agent) => Problem(MetadataCodec.AgentBytes(agent) + Growth(_agents), "agent");

    /// <summary>Counts agent <paramref name="agent"/> (checked by <see cref="AgentProblem"/>).</summary>
    public void AddAgent(AgentInfo agent) => Used += MetadataCodec.AgentBytes(agent) + Growth(_agents++);

    /// <summary>Why the header cannot take one more region <paramref name="region"/> (its used bits aside), or null.</summary>
    public string? RegionProblem(RegionInfo region) => Problem(MetadataCodec.RegionBytes(region) + Growth(_regions), "region");

    /// <summary>Counts region <paramref name="region"/> (checked by <see cref="RegionProblem"/>).</summary>
    public void AddRegion(RegionInfo region) => Used += MetadataCodec.RegionBytes(region) + Growth(_regions++);

    /// <summary>Why the header cannot take one more lock name <paramref name="name"/>, or null.</summary>
    public string? LockProblem(string name) => Problem(TraceLimits.TextBytes(name) + Growth(_locks), "lock name");

    /// <summary>Counts lock name <paramref name="name"/> (checked by <see cref="LockProblem"/>).</summary>
    public void AddLock(string name) => Used += TraceLimits.TextBytes(name) + Growth(_locks++);

    /// <summary>Why the header cannot take one more site <paramref name="site"/>, or null.</summary>
    public string? SiteProblem(string site) => Problem(TraceLimits.TextBytes(site) + Growth(_sites), "site");

    /// <summary>Counts site <paramref name="site"/> (checked by <see cref="SiteProblem"/>).</summary>
    public void AddSite(string site) => Used += TraceLimits.TextBytes(site) + Growth(_sites++);

    /// <summary>Why a header of <paramref name="bytes"/> bytes (a measured one) cannot be written, or null.</summary>
    public static string? SizeProblem(long bytes, string what) => bytes <= TraceLimits.MaxHeaderBytes ? null
        : $"{what} take {bytes:N0} bytes of the trace header, more than the format's {TraceLimits.MaxHeaderBytes:N0}";

    string? Problem(int bytes, string what) => Used + bytes <= TraceLimits.MaxHeaderBytes ? null
        : $"the trace header would pass the format's {TraceLimits.MaxHeaderBytes:N0} bytes with this {what} of {bytes:N0} bytes " +
          $"({Used:N0} taken before it by the names, regions, locks and sites)";

    /// <summary>The bytes a list's count varint grows by when its <paramref name="count"/> items become one more.</summary>
    static int Growth(int count) => Varint.Length((ulong)count + 1) - Varint.Length((ulong)count);
}
