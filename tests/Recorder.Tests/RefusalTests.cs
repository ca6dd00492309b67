using TraceTools.Tests.Recorder.Support;
using TraceTools.TraceFormat;

namespace TraceTools.Tests.Recorder;

/// <summary>What the format forbids, tracetools.c refuses with a message, like TraceWriter does.</summary>
[TestClass]
public sealed class RefusalTests
{
    static CProgram s_program = null!;

    [ClassInitialize]
    public static void Build(TestContext _) => s_program = new CProgram(CProgram.ProgramsDir, "refusals.c");

    [ClassCleanup]
    public static void Clean() => s_program.Dispose();

    [TestMethod]
    [DataRow("bad_name", "agent name '9cpu' is not a scenario name")]
    [DataRow("duplicate_agent", "agent 'cpu0' is declared twice")]
    [DataRow("overlap", "regions 'mem' and 'more' overlap")]
    [DataRow("mmio_of_cpu", "mmio region 'regs' names agent 0, which is not a device")]
    [DataRow("table_granule", "table 'tbl' has granule 3, which does not divide entry_size 16")]
    [DataRow("present_bit_128", "table 'tbl' has present bit 128 outside its 16-byte entry")] // 127 is its last bit
    [DataRow("cache_line_48", "cache line size 48 is not a power of two")]
    [DataRow("cache_line_8192", "cache line size 8192 is out of range: expected a power of two from 16 to 4096")]
    // tt_set_iommu_at_start: the call returns -1 (refusals.c exits 6 if not) and tt_start gives its reason.
    [DataRow("iommu_at_start_of_cpu", "cpu 'cpu0' is declared an IOMMU mode at the start (only devices DMA)")]
    [DataRow("iommu_at_start_of_unknown_agent", "IOMMU mode at the start of agent 7, but the trace declares 2 agents")]
    [DataRow("iommu_at_start_before_device", "IOMMU mode at the start of agent 1, but the trace declares 1 agents")]
    [DataRow("iommu_at_start_treatment_3", "agent 'dev0' has undefined IOMMU mode 3 at the start (0 translate, 1 bypass, 2 abort)")]
    // tt_add_used_rule: the same, with UsedBits.Check's words; tbl has 16-byte entries (bits 127:0).
    [DataRow("used_of_ram", "used bits of ram region 'mem', which is not a table")]
    [DataRow("used_of_mmio", "used bits of mmio region 'regs', which is not a table")]
    [DataRow("used_of_unknown_region", "used bits of region 9, but the trace declares 4 regions")]
    [DataRow("used_of_region_minus_1", "used bits of region -1, but the trace declares 4 regions")]
    [DataRow("used_without_bits", "table 'tbl' has a used rule without bits")]
    [DataRow("used_runs_257", "table 'tbl' has a used rule of 257 bit runs and 0 conditions (at most 256 each)")]
    [DataRow("used_conditions_257", "table 'tbl' has a used rule of 1 bit runs and 257 conditions (at most 256 each)")]
    [DataRow("used_rules_1025", "table 'tbl' has 1025 used rules (at most 1024)")] // the 1024 before it were taken
    [DataRow("used_bits_downwards", "table 'tbl': used bits 1:3 run downwards (high bit first: { 3, 1 })")]
    [DataRow("used_bits_outside_entry", "table 'tbl': used bits 128:120 lie outside the 16-byte entry")]
    [DataRow("used_condition_outside_entry", "table 'tbl': condition on bits 128:127 lie outside the 16-byte entry")]
    [DataRow("used_condition_downwards", "table 'tbl': condition on bits 0:7 run downwards")]
    [DataRow("used_condition_65_bits", "table 'tbl': condition on bits 64:0, wider than 64 bits")]
    [DataRow("used_mask_outside_field", "table 'tbl': condition on bits 3:1 compares 0x0 under mask 0x8, which do not fit the field")]
    [DataRow("used_value_outside_mask", "table 'tbl': condition on bits 3:1 compares 0x1 under mask 0x2, which do not fit the field")]
    [DataRow("used_bits_null", "table 'tbl': a used rule's bits array is NULL")]
    [DataRow("used_conditions_null", "table 'tbl': a used rule's conditions array is NULL")]
    // Each part valid, the whole past the format's 16 MiB of metadata: the encoding stopped there, so a lower bound.
    [DataRow("metadata_over_limit", "metadata of at least ")]
    [DataRow("metadata_over_limit", " bytes (at most 16777216)")]
    public void Declarations_Invalid_StartFailsAndCreatesNoFile(string name, string message)
    {
        string path = Path.Combine(s_program.Dir, name + ".trace");
        var (exit, _, err) = s_program.Run(path, name);
        Assert.AreEqual(3, exit, err);
        StringAssert.Contains(err, message);
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    [DataRow("store_by_device", "event 1 refused: store by agent 1 (dev0), which is a device")]
    [DataRow("barrier_of_other_arch", "event 1 refused: barrier code 0x30 is not a barrier of this arch")]
    [DataRow("size_zero", "event 1 refused: load of size 0 (1..4096)")]
    [DataRow("size_4097", "event 1 refused: cache_clean of size 4097 (1..4096)")]
    [DataRow("undeclared_lock", "event 1 refused: lock of lock 1, but the trace declares 1 locks")]
    [DataRow("take_irq_of_cpu", "event 1 refused: take_irq names agent 0, which is not a device")]
    [DataRow("dma_write_without_bytes", "event 1 refused: dma_write without its bytes")]
    [DataRow("unknown_agent", "event 1 refused: barrier by agent 7, but the trace declares 2 agents")]
    [DataRow("store_value_16", "event 1 refused: store of size 16 with a value (tt_store_bytes takes 9..4096 bytes)")]
    [DataRow("mmio_write_value_16", "event 1 refused: mmio_write of size 16 with a value (tt_mmio_write_bytes takes 9..4096 bytes)")]
    [DataRow("invalidate_all_with_address", "event 1 refused: dev_invalidate of size 0 (1..4096)")] // `all` is address and size 0
    [DataRow("riscv_fence_without_successor", "event 1 refused: barrier code 0x110 is not a barrier of this arch")]
    // v3 kinds: cpu-only kinds by a device, devices that are not, packed operands out of range, firmware outside arm64.
    [DataRow("store_release_by_device", "event 1 refused: store_release by agent 1 (dev0), which is a device")]
    [DataRow("handover_by_device", "event 1 refused: handover by agent 1 (dev0), which is a device")]
    [DataRow("smc_by_device", "event 1 refused: smc/hvc by agent 1 (dev0), which is a device")]
    [DataRow("iommu_mode_of_cpu", "event 1 refused: iommu_mode names agent 0, which is not a device")]
    [DataRow("quiesce_of_cpu", "event 1 refused: quiesce names agent 0, which is not a device")]
    [DataRow("dma_map_of_cpu", "event 1 refused: dma_map names agent 0, which is not a device")]
    [DataRow("dma_map_of_agent_65537", "event 1 refused: dma_map names agent 65537, which is not a device")] // not dev0 (1) in 16 bits
    [DataRow("dma_unmap_of_unknown_agent", "event 1 refused: dma_unmap names agent 7, which is not a device")]
    [DataRow("iommu_mode_treatment_3", "event 1 refused: iommu_mode with treatment 3 (0 translate, 1 bypass, 2 abort)")]
    [DataRow("dma_map_direction_3", "event 1 refused: dma_map with direction 3 (0 bidirectional, 1 to_device, 2 from_device)")]
    [DataRow("smc_conduit_2", "event 1 refused: smc/hvc with conduit 2 (0 smc, 1 hvc)")]
    [DataRow("ret_without_registers", "event 1 refused: ret without its bytes")]
    [DataRow("x86_smc", "event 1 refused: smc/hvc in a trace of arch x86_64: smc/hvc firmware calls are arm64 instructions")]
    [DataRow("riscv_ret", "event 1 refused: ret in a trace of arch riscv64: smc/hvc firmware calls are arm64 instructions")]
    [DataRow("load_acquire_size_0", "event 1 refused: load_acquire of size 0 (1..4096)")]
    [DataRow("dma_unmap_size_4097", "event 1 refused: dma_unmap of size 4097 (1..4096)")]
    [DataRow("xchg_value_16", "event 1 refused: xchg of size 16 with a value (tt_xchg_bytes takes 9..4096 bytes)")]
    [DataRow("store_release_without_bytes", "event 1 refused: store_release without its bytes")]
    // Before the fix the refusal also failed tt_start, and the whole recording was lost.
    [DataRow("event_before_start", "event 0 refused: dma_read before tt_start")]
    public void Events_Invalid_RefusedAndNamedByFinishWhileTheRestIsKept(string name, string message)
    {
        string path = Path.Combine(s_program.Dir, name + ".trace");
        var (exit, _, err) = s_program.Run(path, name);
        Assert.AreEqual(4, exit, err);
        StringAssert.Contains(err, message);
        using var reader = TraceReader.Open(path);
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch));
        Assert.AreEqual(2, batch.Count);
        Assert.AreEqual(0x1004UL, batch.Addresses[1]);
        Assert.IsFalse(reader.Truncated);
    }

    /// <summary>
    /// A mode at the start set after tt_start is refused like the other settings then (-1 and tt_error), and the trace,
    /// whose header is written, goes on without it.
    /// </summary>
    [TestMethod]
    public void Declarations_IommuAtStartAfterStart_RefusedAndTheHeaderKeepsTranslate()
    {
        string path = Path.Combine(s_program.Dir, "iommu_at_start_after_start.trace");
        var (exit, _, err) = s_program.Run(path, "iommu_at_start_after_start");
        Assert.AreEqual(0, exit, err);
        StringAssert.Contains(err, "tt_set_iommu_at_start after tt_start");
        using var reader = TraceReader.Open(path);
        Assert.IsTrue(reader.Metadata.Agents.All(a => a.IommuAtStart == IommuTreatment.Translate));
        Assert.AreEqual(2L, reader.IndexedEventCount);
    }

    /// <summary>A used-bits rule added after tt_start is refused the same way, and the written header has no used bits.</summary>
    [TestMethod]
    public void Declarations_UsedRuleAfterStart_RefusedAndTheHeaderHasNoUsedBits()
    {
        string path = Path.Combine(s_program.Dir, "used_after_start.trace");
        var (exit, _, err) = s_program.Run(path, "used_after_start");
        Assert.AreEqual(0, exit, err);
        StringAssert.Contains(err, "tt_add_used_rule after tt_start");
        using var reader = TraceReader.Open(path);
        Assert.IsTrue(reader.Metadata.Regions.All(r => r.UsedBits is null));
        Assert.AreEqual(2L, reader.IndexedEventCount);
    }

    [TestMethod]
    [DataRow("foreign_site")]          // its id lies past this trace's sites
    [DataRow("foreign_site_in_range")] // its id is one of this trace's own, another site's
    public void Events_SiteOfAnotherTrace_KeptWithoutItsSiteAndCounted(string name)
    {
        string path = Path.Combine(s_program.Dir, name + ".trace");
        var (exit, output, err) = s_program.Run(path, name);
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("unsited 1", output.Trim());
        using var reader = TraceReader.Open(path);
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch));
        Assert.AreEqual(3, batch.Count);
        Assert.AreEqual(EventKind.Barrier, batch.Kinds[1]);
        Assert.AreEqual(-1, batch[1].Site);
        Assert.AreNotEqual(-1, batch[0].Site);
    }

    /// <summary>A barrier valid only on its own arch, at the end of that arch's range, is kept as given.</summary>
    [TestMethod]
    [DataRow("x86_lfence", 0x32u)]         // lfence, the last x86 fence
    [DataRow("riscv_fence_ow_ow", 0x155u)] // fence ow,ow = 0x100 | 5 << 4 | 5
    public void Events_BarrierOfTheTracesArch_Kept(string name, uint code)
    {
        string path = Path.Combine(s_program.Dir, name + ".trace");
        var (exit, _, err) = s_program.Run(path, name);
        Assert.AreEqual(0, exit, err);
        using var reader = TraceReader.Open(path);
        var batch = new EventBatch();
        Assert.IsTrue(reader.ReadBatch(batch));
        Assert.AreEqual(3, batch.Count);
        Assert.AreEqual(EventKind.Barrier, batch.Kinds[1]);
        Assert.AreEqual(code, batch.Aux[1]);
    }

    [TestMethod]
    public void Events_AllValid_FinishSucceeds()
    {
        string path = Path.Combine(s_program.Dir, "valid.trace");
        var (exit, _, err) = s_program.Run(path, "none");
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("", err);
    }
}
