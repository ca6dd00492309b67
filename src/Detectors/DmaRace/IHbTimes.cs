using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Detectors.DmaRace;

/// <summary>The one hb question <see cref="RaceWords"/> asks, so the words can be tested against a model without an engine.</summary>
interface IHbTimes
{
    /// <summary>Latest local time of <paramref name="other"/> whose events are hb-before <paramref name="agent"/>'s current event.</summary>
    uint TimeOf(int agent, int other);
}

/// <summary>The replay's answer (<see cref="DetectorView.HbTimeOf"/>): a struct, so the generic calls are direct and inlined.</summary>
readonly ref struct ViewTimes(DetectorView view) : IHbTimes
{
    readonly DetectorView _view = view;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint TimeOf(int agent, int other) => _view.HbTimeOf(agent, other);
}
