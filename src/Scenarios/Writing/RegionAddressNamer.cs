using System.Globalization;
using System.Text;
using TraceTools.TraceFormat;
using RegionInfo = TraceTools.TraceFormat.RegionInfo;

namespace TraceTools.Scenarios.Writing;

/// <summary>
/// Spells addresses the way a scenario does: <c>xqc</c>, <c>xqc + 0x10</c>, <c>pasid[7]</c>,
/// <c>pasid[7] + 16</c>, falling back to hex for an address outside every region.
/// </summary>
sealed class RegionAddressNamer
{
    readonly RegionsByAddress _regions;

    public RegionAddressNamer(IReadOnlyList<RegionInfo> regions) => _regions = new RegionsByAddress(regions);

    /// <summary>The region holding <paramref name="address"/>, or null.</summary>
    public RegionInfo? Find(ulong address) => _regions.At(address);

    /// <summary>Appends the scenario spelling of <paramref name="address"/>.</summary>
    public void Append(StringBuilder sb, ulong address)
    {
        var r = Find(address);
        if (r is null)
        {
            sb.Append("0x").Append(address.ToString("x", CultureInfo.InvariantCulture));
            return;
        }
        ulong offset = address - r.Base;
        if (r.Kind == RegionKind.Table)
        {
            ulong entry = offset / r.EntrySize, within = offset % r.EntrySize;
            sb.Append(r.Name).Append('[').Append(entry.ToString(CultureInfo.InvariantCulture)).Append(']');
            if (within != 0) sb.Append(" + ").Append(within.ToString(CultureInfo.InvariantCulture));
            return;
        }
        sb.Append(r.Name);
        if (offset != 0) sb.Append(" + 0x").Append(offset.ToString("x", CultureInfo.InvariantCulture));
    }

    /// <summary>Appends <c>TABLE[i]</c> for an entry-addressed operand (fetch, dev_invalidate); false when no table holds it.</summary>
    public bool AppendEntry(StringBuilder sb, ulong address)
    {
        var r = Find(address);
        if (r is null || r.Kind != RegionKind.Table) return false;
        ulong entry = (address - r.Base) / r.EntrySize;
        sb.Append(r.Name).Append('[').Append(entry.ToString(CultureInfo.InvariantCulture)).Append(']');
        return true;
    }
}
