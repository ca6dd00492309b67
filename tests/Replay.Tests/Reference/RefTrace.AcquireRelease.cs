using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

public sealed partial class TraceBuilder
{
    public int StoreRelease(ushort cpu, ulong addr, int size, ulong value, string? site = null) =>
        Emit(EventKind.StoreRelease, cpu, addr, size, 0, site, Le(value, size));
    public int LoadAcquire(ushort cpu, ulong addr, int size, string? site = null) =>
        Emit(EventKind.LoadAcquire, cpu, addr, size, 0, site, Observe(addr, size));
    public int Xchg(ushort cpu, ulong addr, int size, ulong value, string? site = null) =>
        Emit(EventKind.Xchg, cpu, addr, size, 0, site, Le(value, size));
}
