using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TraceTools.Replay.Ordering;

namespace TraceTools.Replay.HappensBefore;

sealed partial class HbState
{
    /// <summary>
    /// Per lock: the unlocks not yet followed by a lock (arena handles). model.md §2.6: "unlock L → the next
    /// lock L", so a lock acquires every unlock since the previous lock and consumes them; a later lock
    /// without an unlock in between acquires nothing. In a well-formed trace (lock and unlock alternate)
    /// there is at most one; the list only grows for traces that unlock twice.
    /// </summary>
    readonly List<int>[] _pendingUnlocks;

    /// <summary>An unlock of <paramref name="lockId"/>: a release that orders every earlier store of the cpu.</summary>
    internal void Unlock(int cpu, int lockId, long index) =>
        _pendingUnlocks[lockId].Add(Snapshot(cpu, AccessClass.W, unlock: true));

    /// <summary>A lock of <paramref name="lockId"/>: acquires (at once) the unlocks that this lock is the next lock after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Lock(int cpu, int lockId, long index)
    {
        var pending = _pendingUnlocks[lockId];
        // A span, not the list's enumerator (its version checks showed in hb-only profiles: a lock per few hundred events).
        foreach (int h in CollectionsMarshal.AsSpan(pending))
        {
            AcquireSnapshot(cpu, h, AcquireMode.AtOnce, index);
            Arena.Release(h);
        }
        pending.Clear();
    }

    /// <summary>raise_irq of <paramref name="device"/>: its line now holds this release (replacing an unconsumed one).</summary>
    internal void RaiseIrq(int device, long index)
    {
        ref int line = ref IrqRelease[device];
        int h = Snapshot(device, AccessClass.W);
        Arena.Release(line);
        line = h;
    }

    /// <summary>take_irq of <paramref name="device"/>'s line by <paramref name="cpu"/>: the next take after a raise acquires it and consumes the line.</summary>
    internal void TakeIrq(int cpu, int device, long index)
    {
        ref int line = ref IrqRelease[device];
        if (line == 0) return;
        AcquireSnapshot(cpu, line, AcquireMode.AtOnce, index);
        Arena.Release(line);
        line = 0;
    }
}
