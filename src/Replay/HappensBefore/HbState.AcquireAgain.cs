using System.Runtime.CompilerServices;

namespace TraceTools.Replay.HappensBefore;

/// <summary>
/// A cpu acquiring a release body it already joined: a cpu polling a flag or a completion word reads the same
/// device or cpu state again and again (about a quarter of the acquires of a driver trace). The body's rows are
/// already in the cpu's clocks, which only grow, so only the release's own facts (its time, its own OB components)
/// are joined: scalar maxima instead of four or five row joins.
/// </summary>
/// <remarks>
/// Per (cpu, releaser): the serial of the body the cpu last joined from that releaser, and where its HB went for
/// later loads (LOADS at once, or a pending slot). A body's serial is unique while it lives, so an equal serial
/// is the same rows. Covered: joined into LOADS covers every mode (a pending slot folds into LOADS, which already
/// holds the rows); joined into pending slot s covers slot s again (s holds them, or was folded into LOADS).
/// Devices are left to the general path: a doorbell clears a device's own OB components, so its rows do not
/// only grow. Tested against the general path (<c>AcquireAgainTests</c>).
/// </remarks>
sealed partial class HbState
{
    /// <summary>False: every acquire takes the general path (tests compare the two).</summary>
    internal bool SkipJoinedBodies = true;

    /// <summary>Acquires that took <see cref="AcquireAgain"/> (tests: the fast path must be taken to be tested).</summary>
    internal long AcquiredAgain;

    /// <summary>Per (cpu × agents + releaser): the serial of the body last joined (0: none).</summary>
    readonly uint[] _joinedSerial;
    /// <summary>Per (cpu × agents + releaser): where that body's HB went: 0 LOADS at once, 1 + s pending slot s.</summary>
    readonly byte[] _joinedInto;

    /// <summary>True when <paramref name="agent"/> (a cpu) already joined the body of serial <paramref name="serial"/> so that <paramref name="mode"/> adds nothing but the release's own facts; else records this join.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool JoinedBefore(int agent, int releaser, bool fromDevice, uint serial, AcquireMode mode)
    {
        if (releaser == agent || IsDevice[agent] || !SkipJoinedBodies) return false;
        int pair = agent * AgentCount + releaser;
        byte into = (byte)(PendingSlot(false, fromDevice, mode) + 1);
        ref uint joined = ref _joinedSerial[pair];
        ref byte was = ref _joinedInto[pair];
        if (joined == serial && (was == 0 || was == into || !TracksLoads)) return true;
        joined = serial;
        was = into;
        return false;
    }

    /// <summary>
    /// The joins of <see cref="Acquire"/> for a body already joined: only the release's own HB component (its
    /// time) and own OB components can be new, and on LOADS' side the pending slot's bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void AcquireAgain(int agent, int releaser, bool fromDevice, uint releaseTime, in OwnOrder own, AcquireMode mode, long index)
    {
        ChangedClocks(agent);
        AcquiredAgain++;
        int w = Width, row = agent * w;
        int slot = PendingSlot(false, fromDevice, mode);
        // Only the releaser's component can rise past HB and LOADS (NoteRaisedDevices): every other one is in HB already.
        if (slot >= 0 && TracksLoads && fromDevice && releaseTime > Hb[row + releaser] && releaseTime > Loads[row + releaser])
            _acquires[agent].Add(releaser, releaseTime, index);
        RaiseTo(Hb, row + releaser, releaseTime);
        if (TracksOb) RaiseOwn(ObStore, ObCache, row, releaser, own, toDevice: false);
        if (!TracksLoads) return;
        if (slot < 0)
        {
            RaiseTo(Loads, row + releaser, releaseTime);
            return;
        }
        RaiseTo(Pending, (agent * 4 + slot) * w + releaser, releaseTime);
        PendingMask[agent] |= (byte)(1 << slot);
    }
}
