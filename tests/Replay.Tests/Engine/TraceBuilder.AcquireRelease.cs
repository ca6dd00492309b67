using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

sealed partial class TraceBuilder
{
    public long StoreRelease(string cpu, ulong address, int size, ulong value) =>
        Add(EventKind.StoreRelease, cpu, address, size, data: Value(value, size));
    public long LoadAcquire(string cpu, ulong address, int size) => Add(EventKind.LoadAcquire, cpu, address, size);
    public long Xchg(string cpu, ulong address, int size, ulong value) =>
        Add(EventKind.Xchg, cpu, address, size, data: Value(value, size));
}
