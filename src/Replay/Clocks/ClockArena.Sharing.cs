using System.Runtime.CompilerServices;

namespace TraceTools.Replay.Clocks;

// Sharing slots, once the clocks take the threshold (Sharing): a release whose agent's clocks are those of its latest
// release still held gets a handle SharedBit | k bound to that slot; the slot is freed with the last release bound to
// it. Below the threshold none of this runs but a bit test on the handle.
sealed partial class ClockArena
{
    /// <summary>True once the clocks took the sharing threshold: releases may share slots (<see cref="Share"/>).</summary>
    public bool Sharing { get; private set; }

    /// <summary>The default sharing threshold of a replay's arena: below it a slot per release costs little memory and no time.</summary>
    public const long DefaultShareAbove = 64L << 20;

    /// <summary>Marks the handle of a release that shares another's slot.</summary>
    const int SharedBit = 1 << 30;
    readonly long _shareAbove;
    /// <summary>Per agent: the slot of its latest own release while held, else 0; per slot: the agent that filled it, and the shared releases bound to it.</summary>
    int[] _latest = [], _owner = [], _bound = [];
    Shared[] _shared = [];
    int[] _freeShared = [];
    int _freeSharedCount, _sharedUsed, _sharedLive;

    /// <summary>A release sharing another's slot: its stamp, the slot, its count and its own OB components (they follow its barriers).</summary>
    struct Shared
    {
        public Stamp Stamp;
        public int Slot;
        public int Refs;
        public OwnOrder Own;
    }

    void StartSharing()
    {
        Sharing = true;
        _latest = new int[_width];
        _owner = new int[_capacity];
        _bound = new int[_capacity];
        _shared = new Shared[64];
        _freeShared = new int[64];
    }

    /// <summary>Sharing: slot <paramref name="slot"/>, just rented by <paramref name="agent"/>, is its latest release.</summary>
    public void MakeLatest(int agent, int slot)
    {
        _latest[agent] = slot;
        _owner[slot] = agent;
    }

    /// <summary>Sharing: the slot of <paramref name="agent"/>'s latest own release while it holds clocks, else 0.</summary>
    public int Latest(int agent) => _latest[agent];

    /// <summary>Sharing: a release of <paramref name="agent"/> at <paramref name="time"/> with reference count 1, bound to slot <paramref name="slot"/>'s clocks.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Share(int agent, uint time, int slot)
    {
        int k;
        if (_freeSharedCount > 0) k = _freeShared[--_freeSharedCount];
        else
        {
            if (_sharedUsed == _shared.Length)
            {
                Array.Resize(ref _shared, 2 * _shared.Length);
                Array.Resize(ref _freeShared, _shared.Length);
            }
            k = _sharedUsed++;
        }
        _shared[k] = new Shared { Stamp = new Stamp { Agent = agent, Time = time }, Slot = slot, Refs = 1 };
        _bound[slot]++;
        _sharedLive++;
        return SharedBit | k;
    }

    /// <summary>
    /// True when <paramref name="handle"/> is a release sharing another's slot: its time, later than the one the slot's
    /// HB row holds for the releaser, is in its stamp only. Known from the number, with no load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsShared(int handle) => (handle & SharedBit) != 0;

    /// <summary>The slot of release <paramref name="handle"/>'s clocks: its own number, unless it shares another's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int SlotOf(int handle) => IsShared(handle) ? _shared[handle & ~SharedBit].Slot : handle;

    /// <summary>The own OB components of a release sharing a slot (the slot's header holds those of the release that filled it).</summary>
    public ref OwnOrder SharedOwn(int handle) => ref _shared[handle & ~SharedBit].Own;

    [MethodImpl(MethodImplOptions.NoInlining)]
    void ReleaseShared(int handle, int count)
    {
        int k = handle & ~SharedBit;
        ref var entry = ref _shared[k];
        entry.Refs -= count;
        if (entry.Refs > 0) return;
        _freeShared[_freeSharedCount++] = k;
        _sharedLive--;
        int slot = entry.Slot;
        if (--_bound[slot] == 0 && _refCounts[slot] <= 0) FreeShareable(slot);
    }

    /// <summary>Sharing: slot <paramref name="slot"/> is free once its own release and every release bound to it are.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    void FreeShareable(int slot)
    {
        if (_bound[slot] != 0) return;
        _free[_freeCount++] = slot;
        // A freed slot is no agent's to share: its next tenant may be anyone's.
        ref int latest = ref _latest[_owner[slot]];
        if (latest == slot) latest = 0;
    }
}
