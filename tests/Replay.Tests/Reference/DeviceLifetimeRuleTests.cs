using TraceTools.Detectors;
using TraceTools.Replay.Findings;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Reference;

/// <summary>
/// docs/model.md §11 case by case, findings worked out by hand from the text: the reference must give exactly them,
/// and the engine the same (kind, trigger, related, severity).
/// </summary>
[TestClass]
public sealed class DeviceLifetimeRuleTests
{
    const ulong Buf = 0x1000, Flag = 0x2000, Reg = 0xf000, Reg2 = 0xf100, Tbl = 0x10_0000;

    sealed record Sys(TraceBuilder B, ushort Cpu0, ushort Cpu1, ushort Dev, ushort Dev2, RegionInfo Table);

    static Sys System(Arch arch = Arch.Arm64, IommuTreatment devAtStart = IommuTreatment.Translate)
    {
        var b = new TraceBuilder(arch);
        var cpu0 = b.Cpu("cpu0");
        var cpu1 = b.Cpu("cpu1");
        var dev = b.Device("dev", iommuAtStart: devAtStart);
        var dev2 = b.Device("dev2");
        b.Ram("buf", Buf, 0x40);
        b.Sync("flag", Flag, 0x10);
        b.Mmio("reg", Reg, 0x10, dev);
        b.Mmio("reg2", Reg2, 0x10, dev2);
        var t = b.Table("tbl", Tbl, 4, 16, 16, 0, dev);
        return new(b, cpu0, cpu1, dev, dev2, t);
    }

    /// <summary>The reference's findings, after checking that the engine reports exactly the same.</summary>
    static string Run(Sys s)
    {
        var t = s.B.Build();
        string reference = string.Join(" ", ReferenceModel.Run(t));
        var engine = DetectorRegistry.CreateEngine(t.Metadata);
        engine.Process(t.ToBatch());
        Assert.AreEqual(reference, string.Join(" ", engine.Complete()), "engine and reference differ");
        return reference;
    }

    // ---- unquiesced-dma ----

    // The mode at the start (model.md §11): a declared mode is the device's until its first iommu_mode, and the mode
    // of a run that began before the trace; it is no change.

    [TestMethod]
    [DataRow(Arch.Arm64, IommuTreatment.Bypass)]
    [DataRow(Arch.X86_64, IommuTreatment.Bypass)]
    [DataRow(Arch.Riscv64, IommuTreatment.Abort)]
    public void Unquiesced_NeverRungUnderItsDeclaredMode_Clean(Arch arch, IommuTreatment mode)
    {
        var s = System(arch, mode);
        s.B.DmaWrite(s.Dev, Buf, 16);                // #0: dev runs since before the trace, under its declared mode
        Assert.AreEqual("", Run(s));
    }

    [TestMethod]
    public void Unquiesced_SameModeSetAsAnEventInstead_IsAChangeUnderTheRunningDevice()
    {
        var s = System();
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass); // #0: translate (the start) -> bypass
        s.B.DmaWrite(s.Dev, Buf, 16);                // #1
        Assert.AreEqual("unquiesced-dma@1[iommu-mode=0]", Run(s));
    }

    [TestMethod]
    [DataRow(IommuTreatment.Bypass, "unquiesced-dma@1[handover=0]")]
    [DataRow(IommuTreatment.Abort, "unquiesced-dma(warning)@1[handover=0]")]
    public void Unquiesced_DeclaredModeAfterHandover_SeverityFromTheDeclaredMode(IommuTreatment mode, string expected)
    {
        var s = System(devAtStart: mode);
        s.B.Handover(s.Cpu0);                        // #0
        s.B.DmaWrite(s.Dev, Buf, 16);                // #1: no iommu-mode related (never set in the trace)
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    [DataRow(IommuTreatment.Bypass, "")]                                          // a re-set of the declared mode is no change
    [DataRow(IommuTreatment.Translate, "unquiesced-dma@3[iommu-mode=2,doorbell=1]")]
    [DataRow(IommuTreatment.Abort, "unquiesced-dma(warning)@3[iommu-mode=2,doorbell=1]")]
    public void Unquiesced_RunBeganUnderTheDeclaredMode_ComparedWithIt(IommuTreatment set, string expected)
    {
        var s = System(devAtStart: IommuTreatment.Bypass);
        s.B.Writel(s.Cpu0, Reg, 1);                  // #0 #1: the run begins under bypass (declared)
        s.B.IommuMode(s.Cpu0, s.Dev, set);           // #2
        s.B.DmaWrite(s.Dev, Buf, 16);                // #3
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    public void Unquiesced_DeclaredModeChangedThenRung_NewRunUnderTheNewMode_Clean()
    {
        var s = System(devAtStart: IommuTreatment.Abort);
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Translate); // #0: the driver attaches dev to a translating domain
        s.B.Writel(s.Cpu0, Reg, 1);                  // #1 #2: its first doorbell begins the run under translate
        s.B.DmaWrite(s.Dev, Buf, 16);                // #3
        Assert.AreEqual("", Run(s));
    }

    [TestMethod]
    [DataRow(IommuTreatment.Bypass, IommuTreatment.Bypass)]      // declared bypass, re-set by the IOMMU's shutdown
    [DataRow(IommuTreatment.Translate, IommuTreatment.Translate)] // the default, set again
    public void Unquiesced_ReSetBeforeHandover_NotRelated(IommuTreatment atStart, IommuTreatment set)
    {
        var s = System(devAtStart: atStart);
        s.B.Writel(s.Cpu0, Reg, 1);                  // #0 #1
        s.B.IommuMode(s.Cpu0, s.Dev, set);           // #2: changes nothing
        s.B.Handover(s.Cpu0);                        // #3
        s.B.DmaWrite(s.Dev, Buf, 16);                // #4
        Assert.AreEqual("unquiesced-dma@4[handover=3,doorbell=1]", Run(s));
    }

    [TestMethod]
    public void Unquiesced_ReSetAfterAChange_TheChangeIsRelated()
    {
        var s = System();
        s.B.Writel(s.Cpu0, Reg, 1);                  // #0 #1
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass); // #2: the change
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass); // #3: set again
        s.B.Handover(s.Cpu0);                        // #4
        s.B.DmaWrite(s.Dev, Buf, 16);                // #5
        Assert.AreEqual("unquiesced-dma@5[handover=4,iommu-mode=2,doorbell=1]", Run(s));
    }

    // A device whose DMA comes before its first doorbell ran before the trace began: that doorbell refills its run.

    [TestMethod]
    [DataRow(false, false, "unquiesced-dma@4[iommu-mode=1]")]  // the run began before the trace, under translate
    [DataRow(true, false, "")]                                 // quiesced: the doorbell begins a new run, under bypass
    [DataRow(false, true, "")]                                 // after a handover: the new owner's doorbell begins one
    public void Unquiesced_DmaBeforeTheFirstDoorbell_ThatDoorbellRefillsTheRunBegunBeforeTheTrace(bool quiesce, bool handover, string expected)
    {
        var s = System();
        s.B.DmaWrite(s.Dev, Buf, 16);                // #0: dev runs since before the trace
        if (quiesce) s.B.Quiesce(s.Cpu0, s.Dev);     // #1
        else if (handover) s.B.Handover(s.Cpu0);     // #1
        else s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass); // #1: GCMD.TE = 0 under it
        if (quiesce || handover) s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass); // #2
        s.B.Writel(s.Cpu0, Reg, 1);                  // a refill (or the new run's doorbell)
        s.B.DmaWrite(s.Dev, Buf, 16);                // #4 (or #5)
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    public void Unquiesced_NoDmaBeforeTheFirstDoorbell_ItBeginsTheRun()
    {
        var s = System();
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass); // #0: before the device was started
        s.B.Writel(s.Cpu0, Reg, 1);                  // #1 #2: the run begins under bypass
        s.B.DmaWrite(s.Dev, Buf, 16);                // #3
        Assert.AreEqual("", Run(s));
    }

    [TestMethod]
    public void Unquiesced_DeclaredModeOfAnotherDevice_ChangesNothingForThisOne()
    {
        var s = System(devAtStart: IommuTreatment.Bypass);
        s.B.IommuMode(s.Cpu0, s.Dev2, IommuTreatment.Bypass); // #0: dev2 started translated: a change under it
        s.B.DmaWrite(s.Dev2, Buf, 16);               // #1
        s.B.DmaWrite(s.Dev, Buf, 16);                // #2: dev under its declared bypass
        Assert.AreEqual("unquiesced-dma@1[iommu-mode=0]", Run(s));
    }

    [TestMethod]
    [DataRow(IommuTreatment.Bypass, "unquiesced-dma@4[handover=3,iommu-mode=2,doorbell=1]")]
    [DataRow(IommuTreatment.Translate, "unquiesced-dma@4[handover=3,doorbell=1]")] // translate set again: no change, not related
    [DataRow(IommuTreatment.Abort, "unquiesced-dma(warning)@4[handover=3,iommu-mode=2,doorbell=1]")]
    public void Unquiesced_RunningDeviceAfterHandover_ErrorOrWarningByMode(IommuTreatment mode, string expected)
    {
        var s = System();
        s.B.Writel(s.Cpu0, Reg, 1);                 // #0 #1: the old kernel starts dev
        s.B.IommuMode(s.Cpu0, s.Dev, mode);          // #2
        s.B.Handover(s.Cpu0);                        // #3
        s.B.DmaWrite(s.Dev, Buf, 16);                // #4
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    public void Unquiesced_ModeNeverSet_ErrorWithoutIommuModeRole()
    {
        var s = System();
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);
        s.B.IommuMode(s.Cpu0, s.Dev2, IommuTreatment.Abort); // another device's mode
        s.B.Handover(s.Cpu1);
        s.B.DmaRead(s.Dev, Flag, 8);                       // sync bytes count too
        Assert.AreEqual("unquiesced-dma@3[handover=2,doorbell=0]", Run(s));
    }

    [TestMethod]
    [DataRow(0, "")]                                            // quiesced after its doorbell, before the handover
    [DataRow(1, "")]                                            // quiesced after the handover, before the DMA
    [DataRow(2, "unquiesced-dma@3[handover=1,doorbell=0]")]                // quiesced only after the DMA
    [DataRow(3, "unquiesced-dma@4[handover=3,doorbell=2]")]      // quiesced, then rung again before the handover
    [DataRow(4, "")]                                            // rung by the new owner after the handover
    [DataRow(5, "")]                                            // no handover at all
    public void Unquiesced_WhereTheQuiesceAndDoorbellLie(int variant, string expected)
    {
        var s = System();
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);                                   // #0
        if (variant == 0) s.B.Quiesce(s.Cpu0, s.Dev);                       // #1
        if (variant == 3) { s.B.Quiesce(s.Cpu0, s.Dev); s.B.MmioWrite(s.Cpu1, Reg, 4, 2); }
        if (variant != 5) s.B.Handover(s.Cpu0);
        if (variant == 1) s.B.Quiesce(s.Cpu1, s.Dev);
        if (variant == 4) s.B.MmioWrite(s.Cpu1, Reg, 4, 2);
        if (variant == 2) s.B.Load(s.Cpu0, Flag, 4);
        if (variant == 5) { s.B.Load(s.Cpu0, Flag, 4); s.B.Load(s.Cpu0, Flag, 4); }
        s.B.DmaWrite(s.Dev, Buf, 16);                                       // the DMA: #3, or #4 after two extra steps (3, 5)
        if (variant == 2) s.B.Quiesce(s.Cpu0, s.Dev);
        string got = Run(s);
        Assert.AreEqual(expected, got);
    }

    [TestMethod]
    public void Unquiesced_NeverRungDevice_StartedBeforeTheRecording()
    {
        var s = System();
        s.B.DmaWrite(s.Dev2, Buf, 8);        // #0 dev2 was running before the trace began
        s.B.Handover(s.Cpu0);                // #1
        s.B.DmaWrite(s.Dev2, Buf + 8, 8);    // #2 reported
        s.B.Fetch(s.Dev, s.Table, 0, 0);     // #3 a fetch is not DMA here
        s.B.Quiesce(s.Cpu0, s.Dev2);         // #4 the new owner stops dev2
        s.B.DmaWrite(s.Dev2, Buf, 8);        // #5 quiesced since the start: not reported
        Assert.AreEqual("unquiesced-dma@2[handover=1]", Run(s));
    }

    [TestMethod]
    public void Unquiesced_SeveralHandovers_TheLastOneIsRelated()
    {
        var s = System();
        s.B.Handover(s.Cpu0);                // #0
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);    // #1 the second owner starts dev
        s.B.DmaWrite(s.Dev, Buf, 8);         // #2 fine
        s.B.Handover(s.Cpu1);                // #3 a second kexec without a quiesce
        s.B.DmaWrite(s.Dev, Buf, 8);         // #4
        Assert.AreEqual("unquiesced-dma@4[handover=3,doorbell=1]", Run(s));
    }

    // ---- unquiesced-dma's second case: the IOMMU's mode changed under a running device ----

    [TestMethod]
    [DataRow(IommuTreatment.Bypass, "unquiesced-dma@3[iommu-mode=2,doorbell=1]")]
    [DataRow(IommuTreatment.Abort, "unquiesced-dma(warning)@3[iommu-mode=2,doorbell=1]")]
    [DataRow(IommuTreatment.Translate, "")]                          // set again to the mode it was started under
    public void Unquiesced_ModeChangedAfterTheDoorbell_NoHandoverNeeded(IommuTreatment mode, string expected)
    {
        var s = System();
        s.B.Writel(s.Cpu0, Reg, 1);                  // #0 #1: started under translate (never set)
        s.B.IommuMode(s.Cpu1, s.Dev, mode);          // #2 the IOMMU's shutdown, before dev's
        s.B.DmaWrite(s.Dev, Buf, 16);                // #3
        s.B.Quiesce(s.Cpu0, s.Dev);                  // #4 too late
        s.B.DmaWrite(s.Dev, Buf, 16);                // #5 stopped since it was started: taken at its word
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    public void Unquiesced_ModeChangedAndBack_OnlyTheDmaInBetween()
    {
        var s = System();
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass);    // #0 a passthrough system sets the mode first
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);                        // #1 started under bypass
        s.B.DmaRead(s.Dev, Buf, 8);                              // #2 fine
        s.B.IommuMode(s.Cpu1, s.Dev, IommuTreatment.Translate);  // #3 bypass → translate under it
        s.B.DmaRead(s.Dev, Buf, 8);                              // #4 reported
        s.B.IommuMode(s.Cpu1, s.Dev, IommuTreatment.Abort);      // #5
        s.B.DmaRead(s.Dev, Buf, 8);                              // #6 a warning
        s.B.IommuMode(s.Cpu1, s.Dev, IommuTreatment.Bypass);     // #7 back to the mode it was started under
        s.B.DmaRead(s.Dev, Buf, 8);                              // #8 fine
        Assert.AreEqual("unquiesced-dma@4[iommu-mode=3,doorbell=1] unquiesced-dma(warning)@6[iommu-mode=5,doorbell=1]", Run(s));
    }

    [TestMethod]
    public void Unquiesced_NeverRungDevice_StartedUnderTranslate()
    {
        var s = System();
        s.B.IommuMode(s.Cpu0, s.Dev2, IommuTreatment.Bypass);   // #0 dev2 runs since before the trace
        s.B.DmaWrite(s.Dev2, Buf, 8);                           // #1 reported: started under translate
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass);    // #2 another device's mode
        s.B.MmioWrite(s.Cpu0, Reg2, 4, 1);                      // #3 a refill of the run begun before the trace (no quiesce)
        s.B.DmaWrite(s.Dev2, Buf, 8);                           // #4 still under the changed mode
        Assert.AreEqual("unquiesced-dma@1[iommu-mode=0] unquiesced-dma@4[iommu-mode=0]", Run(s));
    }

    [TestMethod]
    [DataRow(0, "")]                                            // quiesced between the change and the DMA
    [DataRow(1, "")]                                            // quiesced before the change
    [DataRow(2, "unquiesced-dma@3[iommu-mode=1,doorbell=0]")]   // written again after the change: the same run
    [DataRow(3, "unquiesced-dma@4[iommu-mode=3,doorbell=2]")]              // quiesced, rung, then the change
    public void Unquiesced_ModeChange_WhereTheQuiesceAndDoorbellLie(int variant, string expected)
    {
        var s = System();
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);                                   // #0
        if (variant is 1 or 3) s.B.Quiesce(s.Cpu0, s.Dev);                  // #1
        if (variant == 3) s.B.MmioWrite(s.Cpu1, Reg, 4, 2);                 // #2
        s.B.IommuMode(s.Cpu1, s.Dev, IommuTreatment.Bypass);                // #1, #3 in variant 3
        if (variant == 0) s.B.Quiesce(s.Cpu0, s.Dev);                       // #2
        if (variant == 2) s.B.MmioWrite(s.Cpu0, Reg, 4, 2);                 // #2
        s.B.DmaWrite(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    public void Unquiesced_RegisterWritesAfterTheChange_DoNotBeginARun()
    {
        var s = System(Arch.X86_64);
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);                      // #0 the run begins (translate)
        s.B.IommuMode(s.Cpu1, s.Dev, IommuTreatment.Bypass);   // #1 the IOMMU's shutdown
        s.B.MmioWrite(s.Cpu0, Reg, 4, 0);                      // #2 the NIC's .shutdown stops rx...
        s.B.DmaWrite(s.Dev, Buf, 16);                          // #3 ...and a frame in flight lands
        s.B.Quiesce(s.Cpu0, s.Dev);                            // #4 ...before it waits until idle
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);                      // #5 a new run, under bypass
        s.B.DmaWrite(s.Dev, Buf, 16);                          // #6 fine
        Assert.AreEqual("unquiesced-dma@3[iommu-mode=1,doorbell=0]", Run(s));
    }

    [TestMethod]
    [DataRow(IommuTreatment.Bypass, "unquiesced-dma@3[iommu-mode=1,doorbell=0]")]          // set again: the change was #1
    [DataRow(IommuTreatment.Abort, "unquiesced-dma(warning)@3[iommu-mode=2,doorbell=0]")]  // changed again: #2 set the mode in force
    [DataRow(IommuTreatment.Translate, "")]                                               // back to the run's mode
    public void Unquiesced_SeveralModeEvents_TheLastChangeIsRelated(IommuTreatment second, string expected)
    {
        var s = System();
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);                      // #0
        s.B.IommuMode(s.Cpu1, s.Dev, IommuTreatment.Bypass);   // #1
        s.B.IommuMode(s.Cpu1, s.Dev, second);                  // #2
        s.B.DmaWrite(s.Dev, Buf, 16);                          // #3
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    public void Unquiesced_BothCases_TheHandoverCaseWithBothRelated()
    {
        var s = System();
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);                      // #0
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass);   // #1
        s.B.DmaWrite(s.Dev, Buf, 8);                           // #2 the mode case
        s.B.Handover(s.Cpu0);                                  // #3
        s.B.DmaWrite(s.Dev, Buf, 8);                           // #4 the handover case
        s.B.MmioWrite(s.Cpu1, Reg, 4, 2);                      // #5 the new owner starts dev under bypass
        s.B.IommuMode(s.Cpu1, s.Dev, IommuTreatment.Translate); // #6 and turns translation on under it
        s.B.DmaWrite(s.Dev, Buf, 8);                           // #7 the mode case again
        Assert.AreEqual("unquiesced-dma@2[iommu-mode=1,doorbell=0] unquiesced-dma@4[handover=3,iommu-mode=1,doorbell=0] unquiesced-dma@7[iommu-mode=6,doorbell=5]", Run(s));
    }

    // ---- quiesce in hb: synchronous, lands on the cpu's next event, sends nothing to the device ----

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.Riscv64)]
    [DataRow(Arch.X86_64)]
    [DataRow(Arch.Sc)]
    public void Quiesce_DeviceWritesReachTheCpusLaterLoadsAtOnce(Arch arch)
    {
        var s = System(arch);
        s.B.DmaWrite(s.Dev, Buf, 16);        // #0
        s.B.Quiesce(s.Cpu0, s.Dev);          // #1
        s.B.Load(s.Cpu0, Buf, 16);           // #2: hb and ob (no read barrier needed): no stale-cpu-read, no race
        Assert.AreEqual("", Run(s));
        var m = new ReferenceModel(s.B.Build());
        Assert.IsFalse(m.Hb(0, 1), "the quiesce itself is not hb-after the device's past (like dev_invalidate, §7.15)");
        Assert.IsTrue(m.Hb(0, 2));
    }

    [TestMethod]
    [DataRow(Arch.Arm64)]
    [DataRow(Arch.X86_64)]
    public void Quiesce_WithoutIt_TheSameLoadRaces(Arch arch)
    {
        var s = System(arch);
        s.B.DmaWrite(s.Dev, Buf, 16);
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass); // no hb effect
        s.B.Load(s.Cpu0, Buf, 16);
        Assert.AreEqual("dma-race@2[other=0]", Run(s));
    }

    [TestMethod]
    public void Quiesce_IsNoDoorbell_TheCpusStoreStillRacesWithTheDevice()
    {
        var s = System();
        s.B.Store(s.Cpu0, Buf, 16);          // #0
        s.B.Barrier(s.Cpu0, "mb");           // #1
        s.B.Quiesce(s.Cpu0, s.Dev);          // #2
        s.B.DmaRead(s.Dev, Buf, 16);         // #3
        Assert.AreEqual("dma-race@3[other=0]", Run(s));
    }

    // ---- dma-outside-mapping ----

    [TestMethod]
    [DataRow(DmaDirection.ToDevice, false, "")]
    [DataRow(DmaDirection.Bidirectional, false, "")]
    [DataRow(DmaDirection.FromDevice, false, "dma-outside-mapping@3[mapping=0]")]
    [DataRow(DmaDirection.FromDevice, true, "")]
    [DataRow(DmaDirection.Bidirectional, true, "")]
    [DataRow(DmaDirection.ToDevice, true, "dma-outside-mapping@3[mapping=0]")]
    public void OutsideMapping_Direction_ReadNeedsToDeviceWriteNeedsFromDevice(DmaDirection direction, bool write, string expected)
    {
        var s = System(Arch.X86_64);
        s.B.DmaMap(s.Cpu0, Buf, 0x40, s.Dev, direction);    // #0
        s.B.Writel(s.Cpu0, Reg, 1);                          // #1 #2
        if (write) s.B.DmaWrite(s.Dev, Buf, 16); else s.B.DmaRead(s.Dev, Buf, 16);
        Assert.AreEqual(expected, Run(s));
    }

    [TestMethod]
    public void OutsideMapping_AfterUnmap_RelatedUnmap()
    {
        var s = System(Arch.X86_64);
        s.B.DmaMap(s.Cpu0, Buf, 16, s.Dev, DmaDirection.ToDevice);   // #0
        s.B.Writel(s.Cpu0, Reg, 1);                                  // #1 #2
        s.B.DmaRead(s.Dev, Buf, 16);                                 // #3
        s.B.DmaUnmap(s.Cpu0, Buf, 16, s.Dev);                        // #4
        s.B.DmaRead(s.Dev, Buf, 16);                                 // #5
        s.B.DmaRead(s.Dev, Buf + 16, 8);                             // #6 never mapped: no related event
        Assert.AreEqual("dma-outside-mapping@5[unmap=4] dma-outside-mapping@6[]", Run(s));
    }

    [TestMethod]
    public void OutsideMapping_TwoMappingsTogether_CoverTheAccess()
    {
        var s = System();
        s.B.DmaMap(s.Cpu0, Buf, 8, s.Dev, DmaDirection.ToDevice);
        s.B.DmaMap(s.Cpu1, Buf + 8, 8, s.Dev, DmaDirection.Bidirectional);
        s.B.DmaRead(s.Dev, Buf, 16);                                 // #2 covered by both together
        s.B.DmaRead(s.Dev, Buf + 4, 16);                             // #3 bytes 16..19 are not mapped
        Assert.AreEqual("dma-outside-mapping@3[]", Run(s));
    }

    [TestMethod]
    public void OutsideMapping_UnmapEndsTheOldestOfTheSameRange_AndOnlyAnExactOne()
    {
        var s = System();
        s.B.DmaMap(s.Cpu0, Buf, 16, s.Dev, DmaDirection.FromDevice); // #0
        s.B.DmaMap(s.Cpu0, Buf, 16, s.Dev, DmaDirection.ToDevice);   // #1 the same bytes again
        s.B.DmaUnmap(s.Cpu0, Buf, 8, s.Dev);                          // #2 names no mapping: ends nothing
        s.B.DmaUnmap(s.Cpu0, Buf, 16, s.Dev);                         // #3 ends #0, the oldest
        s.B.DmaRead(s.Dev, Buf, 16);                                  // #4 #1 permits it
        s.B.DmaWrite(s.Dev, Buf, 16);                                 // #5 against #1's direction
        s.B.DmaUnmap(s.Cpu0, Buf, 16, s.Dev);                         // #6 ends #1
        s.B.DmaWrite(s.Dev, Buf, 16);                                 // #7
        Assert.AreEqual("dma-outside-mapping@5[mapping=1] dma-outside-mapping@7[unmap=6]", Run(s));
    }

    [TestMethod]
    public void OutsideMapping_OnlyDevicesThatMap_FromTheirFirstMap()
    {
        var s = System();
        s.B.DmaWrite(s.Dev, Buf, 8);                                  // #0 before dev's first map: not checked
        s.B.DmaMap(s.Cpu0, Flag, 8, s.Dev, DmaDirection.FromDevice); // #1
        s.B.DmaWrite(s.Dev2, Buf, 8);                                 // #2 dev2 never maps: not checked
        s.B.DmaWrite(s.Dev, Flag, 8);                                 // #3 fine
        s.B.Fetch(s.Dev, s.Table, 0, 0);                              // #4 fetches are not checked
        s.B.DmaWrite(s.Dev, Buf, 8);                                  // #5
        Assert.AreEqual("dma-outside-mapping@5[]", Run(s));
    }

    [TestMethod]
    public void BothRules_OneDma_BothFindings()
    {
        var s = System();
        s.B.DmaMap(s.Cpu0, Buf, 16, s.Dev, DmaDirection.FromDevice); // #0
        s.B.MmioWrite(s.Cpu0, Reg, 4, 1);                             // #1
        s.B.DmaUnmap(s.Cpu0, Buf, 16, s.Dev);                         // #2 unmapped but not stopped
        s.B.IommuMode(s.Cpu0, s.Dev, IommuTreatment.Bypass);          // #3
        s.B.Handover(s.Cpu0);                                         // #4
        s.B.DmaWrite(s.Dev, Buf, 16);                                 // #5
        Assert.AreEqual("unquiesced-dma@5[handover=4,iommu-mode=3,doorbell=1] dma-outside-mapping@5[unmap=2]", Run(s));
    }

    // ---- the random traces exercise both rules (so the differential test covers them) ----

    [TestMethod]
    public void Generator_ManySeeds_ReferenceGivesEveryShapeOfBothRules()
    {
        var shapes = new HashSet<string>();
        for (int seed = 0; seed < 1500; seed++)
        {
            foreach (var f in GeneratedReference.Of(seed))
            {
                if (f.Kind is not (FindingKind.UnquiescedDma or FindingKind.DmaOutsideMapping)) continue;
                shapes.Add($"{f.Kind.Name()}:{f.Severity}:{string.Join(",", f.Related.Select(r => r.Role.Name()))}");
            }
        }
        string[] wanted =
        [
            "unquiesced-dma:Error:handover", "unquiesced-dma:Error:handover,iommu-mode", "unquiesced-dma:Warning:handover,iommu-mode",
            "unquiesced-dma:Error:handover,iommu-mode,doorbell", "unquiesced-dma:Error:iommu-mode,doorbell",
            "unquiesced-dma:Warning:iommu-mode,doorbell", "unquiesced-dma:Error:iommu-mode",
            "dma-outside-mapping:Error:mapping", "dma-outside-mapping:Error:unmap", "dma-outside-mapping:Error:",
        ];
        CollectionAssert.IsSubsetOf(wanted, shapes.ToArray(), string.Join(" ", shapes));
    }
}
