using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;
using static TraceTools.Scenarios.Synth.DriverMixLayout;

namespace TraceTools.Tests.Synth;

/// <summary>The kexec and eth DMA-API patterns of the driver mix (docs/synth.md): what their triggers are, and the severities.</summary>
[TestClass]
public sealed class DriverMixKexecTests
{
    [TestMethod]
    [DynamicData(nameof(Synthesize.Archs), typeof(Synthesize))]
    public void Kexec_Triggers_AreEthDmasAfterAHandoverOrAModeChangeOrOutsideTheirMapping(Arch arch)
    {
        var (generator, events, truth) = Synthesize.Record(arch, 21, 60_000, 0.5);
        int handovers = events.Count(r => r.Event.Kind == EventKind.Handover), afterHandover = 0, afterMode = 0, outside = 0;
        Assert.IsGreaterThan(0, handovers, "the mix hands over");
        foreach (var f in truth)
        {
            var e = events[(int)f.Trigger].Event;
            if (f.Kind == FindingKind.UnquiescedDma)
            {
                Assert.AreEqual((EventKind.DmaWrite, Eth), (e.Kind, (int)e.Agent), $"#{f.Trigger}");
                var before = events[(int)f.Trigger - 1].Event;
                // Glued right after the handover, or right after eth's mode change (the IOMMU shut down first).
                if (before.Kind == EventKind.Handover) afterHandover++;
                else
                {
                    Assert.AreEqual((EventKind.IommuMode, Eth, IommuTreatment.Bypass),
                        (before.Kind, (int)(before.Aux & 0xffff), (IommuTreatment)(before.Aux >> 16)), $"#{f.Trigger}");
                    afterMode++;
                }
            }
            else if (f.Kind == FindingKind.DmaOutsideMapping)
            {
                outside++;
                Assert.IsTrue(e.Kind is EventKind.DmaWrite or EventKind.DmaRead && e.Agent == Eth, $"#{f.Trigger}");
            }
        }
        Assert.IsTrue(afterHandover > 0 && afterMode > 0 && outside > 0, $"{afterHandover} after a handover, {afterMode} after a mode change, {outside} outside");
        Assert.IsTrue(generator.Metadata.Regions.Any(r => r.Name == "eth_buf" && r.Kind == RegionKind.Ram));
    }

    [TestMethod]
    public void Kexec_AbortVariant_IsAWarningTheBypassOneAnError()
    {
        var (generator, events, _) = Synthesize.Record(Arch.Arm64, 22, 60_000, 0.5);
        var engine = DetectorRegistry.CreateEngine(generator.Metadata);
        var sink = new EngineSink(engine);
        foreach (var (e, data) in events) sink.Append(e, data);
        sink.Flush();
        var unquiesced = engine.Complete().Where(f => f.Kind == FindingKind.UnquiescedDma).ToList();
        foreach (var f in unquiesced)
        {
            var mode = (IommuTreatment)(events[(int)f.RelatedIndex(RelatedRole.IommuMode)].Event.Aux >> 16);
            Assert.AreEqual(mode == IommuTreatment.Abort ? Severity.Warning : Severity.Error, f.Severity, f.ToString());
        }
        CollectionAssert.AreEquivalent(new[] { Severity.Error, Severity.Warning }, unquiesced.Select(f => f.Severity).Distinct().ToArray());
    }

    // docs/synth.md, KexecNoQuiesce: after the handover eth writes the frame (glued), then eth is quiesced at once, so that
    // no other instance's eth DMA started before the handover is unquiesced too.
    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Sc)]
    public void Kexec_UnquiescedTrigger_EthQuiescedRightAfter(Arch arch)
    {
        var (_, events, truth) = Synthesize.Record(arch, 21, 60_000, 0.5);
        var triggers = truth.Where(f => f.Kind == FindingKind.UnquiescedDma).Select(f => (int)f.Trigger).ToList();
        Assert.IsNotEmpty(triggers);
        foreach (int t in triggers.Where(t => t + 1 < events.Count))
        {
            var next = events[t + 1].Event;
            Assert.AreEqual((EventKind.Quiesce, (uint)Eth), (next.Kind, next.Aux), $"#{t + 1} after the unquiesced write #{t}");
            Assert.IsLessThan(Cpus, (int)next.Agent);
        }
    }
}
