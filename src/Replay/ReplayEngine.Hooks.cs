using System.Runtime.CompilerServices;
using TraceTools.Replay.Detection;

namespace TraceTools.Replay;

public sealed partial class ReplayEngine
{
    // Per-hook detector arrays, built once: the engine calls only detectors that asked for an event kind.
    IDetector[] LoadHooks = [], StoreHooks = [], DmaReadHooks = [], DmaWriteHooks = [];
    IDetector[] EntryStoreHooks = [], EntryFetchHooks = [], EntryInvalidateHooks = [];
    IDetector[] CacheHooks = [];

    void Attach(IReadOnlyList<IDetector> detectors)
    {
        IDetector[] With(DetectorHooks h) => [.. detectors.Where(d => (d.Hooks & h) != 0)];
        LoadHooks = With(DetectorHooks.Load);
        StoreHooks = With(DetectorHooks.Store);
        DmaReadHooks = With(DetectorHooks.DmaRead);
        DmaWriteHooks = With(DetectorHooks.DmaWrite);
        EntryStoreHooks = With(DetectorHooks.EntryStore);
        EntryFetchHooks = With(DetectorHooks.EntryFetch);
        EntryInvalidateHooks = With(DetectorHooks.EntryInvalidate);
        AttachDeviceControl(detectors);
        CacheHooks = With(DetectorHooks.CacheMaintenance);
    }

    /// <summary>The detectors' window on the replay at the current event.</summary>
    DetectorView View
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(this, _hb);
    }
}
