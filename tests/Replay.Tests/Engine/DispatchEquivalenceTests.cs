using System.Reflection;
using TraceTools.Detectors;
using TraceTools.Replay;
using TraceTools.Replay.Detection;
using TraceTools.Replay.Findings;
using TraceTools.Replay.Firmware;
using TraceTools.Tests.Synth;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Engine;

/// <summary>
/// The type-switch dispatch (<see cref="KnownDetectorDispatch"/>) calls the same hooks of the same detectors as
/// the plain interface dispatch: a case routed to the wrong hook, or a hook left out of a case, changes findings.
/// </summary>
[TestClass]
public sealed class DispatchEquivalenceTests
{
    static List<Finding> Replay(TraceMetadata md, IReadOnlyList<RecordedEvent> events, DetectorDispatch dispatch)
    {
        using var engine = new ReplayEngine(md, ReplayOptions.Default, DetectorRegistry.Create(md), dispatch);
        var batch = new EventBatch(4096);
        for (int i = 0; i < events.Count; i += 4096)
        {
            batch.Reset(i);
            for (int k = i; k < Math.Min(events.Count, i + 4096); k++) batch.Append(events[k].Event, events[k].Data);
            engine.Process(batch);
        }
        return [.. engine.Complete()];
    }

    [TestMethod]
    [DynamicData(nameof(Synthesize.Archs), typeof(Synthesize))]
    public void KnownDispatch_DriverMixWithBugs_SameFindingsAsThroughInterface(Arch arch)
    {
        var (generator, events, truth) = Synthesize.Record(arch, 5, 40_000, 0.1);
        var known = Replay(generator.Metadata, events, KnownDetectorDispatch.Instance);
        var plain = Replay(generator.Metadata, events, DetectorDispatch.ThroughInterface);
        Assert.IsGreaterThan(50, truth.Count, "the mix must inject bugs for the comparison to mean anything");
        Assert.HasCount(plain.Count, known);
        for (int i = 0; i < plain.Count; i++)
            Assert.IsTrue(plain[i].SameAs(known[i]), $"finding {i}: interface {plain[i]}, type switch {known[i]}");
        // every kind the mix injects on this arch is found both ways (the hooks of every detector ran)
        foreach (var kind in truth.Select(t => t.Kind).Distinct())
            Assert.IsTrue(known.Any(f => f.Kind == kind), $"{kind} injected but not found");
    }

    /// <summary>
    /// Every hook the base class dispatches is overridden: a hook left to the base runs every detector through the
    /// interface, which no findings test can see (the device-control and firmware-return hooks once were).
    /// </summary>
    [TestMethod]
    public void KnownDispatch_EveryHookOfTheBase_Overridden()
    {
        var hooks = typeof(DetectorDispatch).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.IsVirtual).ToList();
        Assert.IsGreaterThan(8, hooks.Count, "the base dispatches the hooks");
        foreach (var hook in hooks)
        {
            var known = typeof(KnownDetectorDispatch).GetMethod(hook.Name, [.. hook.GetParameters().Select(p => p.ParameterType)])!;
            Assert.AreEqual(typeof(KnownDetectorDispatch), known.DeclaringType, $"{hook.Name} is not overridden");
        }
    }

    /// <summary>A detector the type switch does not name: counts its device-control and firmware-return calls.</summary>
    sealed class CountingDetector : IDetector
    {
        public int Controls, Returns;
        public FindingKind Kind => FindingKind.DmaOutsideMapping;
        public DetectorHooks Hooks => DetectorHooks.DeviceControl | DetectorHooks.FirmwareReturn;
        public DetectorNeeds Needs => DetectorNeeds.None;
        public void OnDeviceControl(DetectorView view, in DeviceControl control) => Controls++;
        public void OnFirmwareReturn(DetectorView view, in FirmwareReturn ret) => Returns++;
    }

    /// <summary>
    /// The new hooks' <c>default:</c> arms: a detector the switch does not know still gets every iommu_mode, quiesce,
    /// handover, dma_map, dma_unmap and firmware return, beside the known ones.
    /// </summary>
    [TestMethod]
    public void KnownDispatch_UnknownDetector_GetsEveryDeviceControlAndFirmwareReturn()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 5, 40_000, 0.1);
        var md = generator.Metadata;
        var counter = new CountingDetector();
        using (var engine = new ReplayEngine(md, ReplayOptions.Default, [.. DetectorRegistry.Create(md), counter], KnownDetectorDispatch.Instance))
        {
            var batch = new EventBatch(events.Count);
            batch.Reset(0);
            foreach (var e in events) batch.Append(e.Event, e.Data);
            engine.Process(batch);
            engine.Complete();
        }
        int controls = events.Count(e => e.Event.Kind is EventKind.IommuMode or EventKind.Quiesce or EventKind.Handover or EventKind.DmaMap or EventKind.DmaUnmap);
        int returns = events.Count(e => e.Event.Kind == EventKind.FirmwareReturn);
        Assert.IsGreaterThan(0, controls, "the mix has device-control events");
        Assert.IsGreaterThan(0, returns, "the mix has firmware returns");
        Assert.AreEqual(controls, counter.Controls, "device-control calls");
        Assert.AreEqual(returns, counter.Returns, "firmware-return calls");
    }
}
