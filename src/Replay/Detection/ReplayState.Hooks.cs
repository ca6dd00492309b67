namespace TraceTools.Replay.Detection;

public sealed partial class ReplayState
{
    // Per-hook detector arrays, built once: the engine calls only detectors that asked for an event kind.
    internal IDetector[] LoadHooks = [], StoreHooks = [], DmaReadHooks = [], DmaWriteHooks = [];
    internal IDetector[] EntryStoreHooks = [], EntryFetchHooks = [], EntryInvalidateHooks = [];

    internal void Attach(IReadOnlyList<IDetector> detectors)
    {
        IDetector[] With(DetectorHooks h) => [.. detectors.Where(d => (d.Hooks & h) != 0)];
        LoadHooks = With(DetectorHooks.Load);
        StoreHooks = With(DetectorHooks.Store);
        DmaReadHooks = With(DetectorHooks.DmaRead);
        DmaWriteHooks = With(DetectorHooks.DmaWrite);
        EntryStoreHooks = With(DetectorHooks.EntryStore);
        EntryFetchHooks = With(DetectorHooks.EntryFetch);
        EntryInvalidateHooks = With(DetectorHooks.EntryInvalidate);
    }
}
