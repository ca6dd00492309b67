using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TraceTools.Replay.Clocks;
using TraceTools.Replay.Ordering;

namespace TraceTools.Replay.HappensBefore;

/// <summary>
/// Each cpu's committed table: per (pred class, succ class, domain), the time of its latest barrier whose pred holds
/// the first class, succ the second, and whose reach covers the domain. Only pred classes w and c are kept: the
/// questions are "is this store ordered before …" (<see cref="WriterOrdered"/>) and a release's own OB components
/// (<see cref="OwnOrderOf"/>), for stores and for cache maintenance; nothing asks about an earlier load's or mmio's
/// order (the reader side has its pending clocks). So a row is 32 lanes, w in 0‥9, c in 16‥25 and c before any class
/// (what an unlock asks) in 26‥27, and a barrier
/// blends one 512-bit vector (two without a cache detector's c lanes), where the 64 slots of every pred class took
/// four.
/// </summary>
sealed partial class HbState
{
    /// <summary>Lanes of a cpu's committed row: the w lanes in the first 16, the c lanes in the second.</summary>
    internal const int CommittedLanes = 32;
    const int CacheLanes = 16;

    /// <summary>Per barrier code, its compact lane mask (all ones where it commits) as distinct masks of <see cref="CommittedLanes"/>.</summary>
    readonly uint[] _commitMasks;
    /// <summary>Per barrier code, the offset of its mask in <see cref="_commitMasks"/>; -1 when it commits no kept lane.</summary>
    readonly int[] _commitMaskAt;

    /// <summary>The lane of (<paramref name="x"/>, <paramref name="y"/>, <paramref name="domain"/>); <paramref name="x"/> is w or c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int CommittedLane(AccessClass x, AccessClass y, ObserverDomain domain) =>
        (x == AccessClass.C ? CacheLanes : 0) + (int)y * 2 + (int)domain;

    /// <summary>
    /// The lane of the latest barrier ordering cache maintenance before anything (pred holds c: a completion barrier, and
    /// any successor set) whose reach covers <paramref name="domain"/>: what an unlock asks (model.md §3: an unlock
    /// orders every earlier event, "except that cache maintenance still needs a completion barrier", of no named
    /// successor class). It differs from the (c, w) lane only for a riscv64 fence whose successors lack <c>w</c>
    /// (<c>fence.w.r</c>, <c>fence.ow.i</c>). The lane after the five successor classes' pairs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int CacheBeforeAnythingLane(ObserverDomain domain) => CacheLanes + ClassSet.Count * 2 + (int)domain;

    /// <summary>The compact masks of every barrier code of <paramref name="rules"/>, built from its committed-table slots.</summary>
    static (uint[] Masks, int[] At) CommitMasks(OrderingRules rules)
    {
        const int codes = 0x200;
        var at = new int[codes];
        var masks = new List<uint>();
        var known = new Dictionary<string, int>();
        for (int code = 0; code < codes; code++)
        {
            var mask = new uint[CommittedLanes];
            foreach (byte slot in rules.SlotsFor((uint)code))
            {
                var (x, y, d) = ((AccessClass)(slot / 10), (AccessClass)(slot / 2 % 5), (ObserverDomain)(slot % 2));
                if (x is AccessClass.W or AccessClass.C) mask[CommittedLane(x, y, d)] = uint.MaxValue;
                if (x == AccessClass.C) mask[CacheBeforeAnythingLane(d)] = uint.MaxValue;
            }
            if (Array.TrueForAll(mask, m => m == 0)) { at[code] = -1; continue; }
            string key = string.Join(",", mask);
            if (!known.TryGetValue(key, out int offset))
            {
                offset = masks.Count;
                masks.AddRange(mask);
                known.Add(key, offset);
            }
            at[code] = offset;
        }
        return ([.. masks], at);
    }

    /// <summary>Sets the committed lanes of barrier <paramref name="code"/> of <paramref name="cpu"/> to its time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Commit(int cpu, uint code)
    {
        int at = code < (uint)_commitMaskAt.Length ? _commitMaskAt[code] : -1;
        if (at < 0) return;
        uint t = Time[cpu];
        // The c lanes only when a cache detector reads them (OwnOrderOf skips them otherwise).
        int lanes = TracksObCache ? CommittedLanes : CacheLanes;
        var table = Committed.AsSpan(cpu * CommittedLanes, lanes);
        var mask = _commitMasks.AsSpan(at, lanes);
        ref uint d = ref MemoryMarshal.GetReference(table);
        ref uint m = ref MemoryMarshal.GetReference(mask);
        if (Simd == ClockSimd.V512)
        {
            var tv = Vector512.Create(t);
            for (nuint i = 0; i < (nuint)lanes; i += 16)
                Vector512.ConditionalSelect(Vector512.LoadUnsafe(ref m, i), tv, Vector512.LoadUnsafe(ref d, i)).StoreUnsafe(ref d, i);
        }
        else if (Simd == ClockSimd.V256)
        {
            var tv = Vector256.Create(t);
            for (nuint i = 0; i < (nuint)lanes; i += 8)
                Vector256.ConditionalSelect(Vector256.LoadUnsafe(ref m, i), tv, Vector256.LoadUnsafe(ref d, i)).StoreUnsafe(ref d, i);
        }
        else
        {
            // The scalar twin the vector blends are tested against.
            for (int i = 0; i < lanes; i++)
                if (mask[i] != 0) table[i] = t;
        }
    }
}
