/*
 * refusals.c: declarations and events that tracetools.h must refuse, one case per run.
 *
 *   refusals OUT CASE
 *
 * Declaration cases: tt_start fails (exit 3) and creates no file. Event cases: a valid store, the bad
 * event, another valid store; tt_finish fails naming the bad event (exit 4) and the trace holds the two
 * valid stores. Prints tt_error on stderr and the count of events recorded without their site on stdout.
 * Cases iommu_at_start_...: tt_set_iommu_at_start must return -1 (else exit 6); all but ..._after_start are
 * declaration cases, and ..._after_start makes the call after tt_start, printing tt_error, then finishes.
 * Cases used_...: tt_add_used_rule on table tbl (16-byte entries) or another region must return -1 (else exit 6);
 * all but used_after_start are declaration cases (used_rules_1025 first adds 1024 rules, each returning 0, else
 * exit 6), and used_after_start makes the call after tt_start, printing tt_error, then finishes.
 * Case metadata_over_limit declares 3,072 valid used rules whose metadata passes 16 MiB (tt_start refuses it).
 * Case event_before_start is an event case whose bad event comes before tt_start.
 * Cases named x86_... record an x86_64 trace, riscv_... a riscv64 one; the others arm64.
 */
#include "tracetools.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: refusals OUT CASE\n"); return 2; }
    const char *c = argv[2];
    enum tt_arch arch = strncmp(c, "x86_", 4) == 0 ? TT_ARCH_X86_64 : strncmp(c, "riscv_", 6) == 0 ? TT_ARCH_RISCV64 : TT_ARCH_ARM64;
    tt_trace *t = tt_create(argv[1], arch, "refusals");
    int cpu = tt_add_cpu(t, strcmp(c, "bad_name") == 0 ? "9cpu" : "cpu0");
    int mode_rc = -1; /* of the case's tt_set_iommu_at_start, if any */
    if (strcmp(c, "iommu_at_start_before_device") == 0) mode_rc = tt_set_iommu_at_start(t, 1, TT_IOMMU_BYPASS);
    int dev = tt_add_device(t, strcmp(c, "duplicate_agent") == 0 ? "cpu0" : "dev0", 1);
    if (strcmp(c, "iommu_at_start_of_cpu") == 0) mode_rc = tt_set_iommu_at_start(t, cpu, TT_IOMMU_BYPASS);
    else if (strcmp(c, "iommu_at_start_of_unknown_agent") == 0) mode_rc = tt_set_iommu_at_start(t, 7, TT_IOMMU_ABORT);
    else if (strcmp(c, "iommu_at_start_treatment_3") == 0) mode_rc = tt_set_iommu_at_start(t, dev, (enum tt_iommu_treatment)3);
    if (mode_rc != -1) return 6;
    int mem = tt_add_ram(t, "mem", 0x1000, 0x1000);
    tt_add_ram(t, "more", strcmp(c, "overlap") == 0 ? 0x1800 : 0x2000, 0x1000);
    int regs_id = tt_add_mmio(t, "regs", 0x9000, 0x100, strcmp(c, "mmio_of_cpu") == 0 ? cpu : dev);
    int tbl = tt_add_table(t, "tbl", 0x10000, 4, 16, strcmp(c, "table_granule") == 0 ? 3 : 8,
                           strcmp(c, "present_bit_128") == 0 ? 128 : 127, dev);
    static const tt_bits bit0[] = { { 0, 0 } };
    if (strncmp(c, "used_", 5) == 0 && strcmp(c, "used_after_start") != 0) {
        /* Valid but for the one thing each case breaks: runs and conditions inside the 128-bit entry. */
        tt_bits bits[257];
        tt_condition when[257];
        for (uint32_t i = 0; i < 257; i++) {
            bits[i] = (tt_bits){ i % 128, i % 128 };
            when[i] = (tt_condition){ { 7, 0 }, 0xff, 0x5 };
        }
        int used_rc = 0;
        if (strcmp(c, "used_of_ram") == 0) used_rc = tt_add_used_rule(t, mem, bits, 1, NULL, 0);
        else if (strcmp(c, "used_of_mmio") == 0) used_rc = tt_add_used_rule(t, regs_id, bits, 1, NULL, 0);
        else if (strcmp(c, "used_of_unknown_region") == 0) used_rc = tt_add_used_rule(t, 9, bits, 1, NULL, 0);
        else if (strcmp(c, "used_of_region_minus_1") == 0) used_rc = tt_add_used_rule(t, -1, bits, 1, NULL, 0);
        else if (strcmp(c, "used_without_bits") == 0) used_rc = tt_add_used_rule(t, tbl, bits, 0, when, 1);
        else if (strcmp(c, "used_runs_257") == 0) used_rc = tt_add_used_rule(t, tbl, bits, 257, NULL, 0);
        else if (strcmp(c, "used_conditions_257") == 0) used_rc = tt_add_used_rule(t, tbl, bits, 1, when, 257);
        else if (strcmp(c, "used_rules_1025") == 0) {
            for (int i = 0; i < 1024; i++)
                if (tt_add_used_rule(t, tbl, bits + i % 128, 1, when, i % 2) != 0) return 6;
            used_rc = tt_add_used_rule(t, tbl, bits, 1, NULL, 0);
        }
        else if (strcmp(c, "used_bits_downwards") == 0) used_rc = tt_add_used_rule(t, tbl, (tt_bits[]){ { 1, 3 } }, 1, NULL, 0);
        else if (strcmp(c, "used_bits_outside_entry") == 0) used_rc = tt_add_used_rule(t, tbl, (tt_bits[]){ { 128, 120 } }, 1, NULL, 0);
        else if (strcmp(c, "used_condition_outside_entry") == 0)
            used_rc = tt_add_used_rule(t, tbl, bits, 1, (tt_condition[]){ { { 128, 127 }, 1, 1 } }, 1);
        else if (strcmp(c, "used_condition_downwards") == 0)
            used_rc = tt_add_used_rule(t, tbl, bits, 1, (tt_condition[]){ { { 0, 7 }, 1, 1 } }, 1);
        else if (strcmp(c, "used_condition_65_bits") == 0)
            used_rc = tt_add_used_rule(t, tbl, bits, 1, (tt_condition[]){ { { 64, 0 }, 1, 0 } }, 1);
        else if (strcmp(c, "used_mask_outside_field") == 0)
            used_rc = tt_add_used_rule(t, tbl, bits, 1, (tt_condition[]){ { { 3, 1 }, 0x8, 0 } }, 1);
        else if (strcmp(c, "used_value_outside_mask") == 0)
            used_rc = tt_add_used_rule(t, tbl, bits, 1, (tt_condition[]){ { { 3, 1 }, 0x2, 0x1 } }, 1);
        else if (strcmp(c, "used_bits_null") == 0) used_rc = tt_add_used_rule(t, tbl, NULL, 1, NULL, 0);
        else if (strcmp(c, "used_conditions_null") == 0) used_rc = tt_add_used_rule(t, tbl, bits, 1, NULL, 1);
        if (used_rc != -1) return 6;
    }
    if (strcmp(c, "metadata_over_limit") == 0) {
        /* Three tables of 1,024 valid rules, each of 256 conditions with 64-bit masks and values (about 5.6 KB a
         * rule encoded): about 17.3 MB of used bits, past the format's 16 MiB of metadata, which tt_start refuses
         * (each call returns 0, else exit 6). */
        static tt_condition wide[256];
        for (int i = 0; i < 256; i++) wide[i] = (tt_condition){ { 127, 64 }, ~0ull, 1ull << 63 };
        int tables[3] = { tbl, tt_add_table(t, "tbl2", 0x20000, 4, 16, 8, 127, dev), tt_add_table(t, "tbl3", 0x30000, 4, 16, 8, 127, dev) };
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < 1024; i++)
                if (tt_add_used_rule(t, tables[k], bit0, 1, wide, 256) != 0) return 6;
    }
    int lock = tt_add_lock(t, "l0");
    if (strcmp(c, "cache_line_48") == 0) tt_set_cache_line(t, 48);
    if (strcmp(c, "cache_line_8192") == 0) tt_set_cache_line(t, 8192);
    if (strcmp(c, "foreign_site_in_range") == 0) tt_add_site(t, "mine");
    /* An event before tt_start (a device model's thread already running): refused (else exit 6), and like any
     * refused event it fails tt_finish, not tt_start. */
    if (strcmp(c, "event_before_start") == 0 && tt_dma_read(t, dev, 0x1000, 4, NULL, NULL) != -1) return 6;
    if (tt_start(t) != 0) {
        fprintf(stderr, "%s\n", tt_error(t));
        tt_free(t);
        return 3;
    }
    tt_store(t, cpu, 0x1000, 4, 1, TT_HERE);
    const uint64_t regs[TT_FIRMWARE_REGS] = { 0x8400006f, 0x8001 };
    if (strcmp(c, "store_by_device") == 0) tt_store(t, dev, 0x1000, 4, 1, NULL);
    else if (strcmp(c, "barrier_of_other_arch") == 0) tt_barrier(t, cpu, TT_MFENCE, NULL);
    else if (strcmp(c, "size_zero") == 0) tt_load(t, cpu, 0x1000, 0, NULL, NULL);
    else if (strcmp(c, "size_4097") == 0) tt_cache_clean(t, cpu, 0x1000, 4097, NULL);
    else if (strcmp(c, "undeclared_lock") == 0) tt_lock(t, cpu, lock + 1, NULL);
    else if (strcmp(c, "take_irq_of_cpu") == 0) tt_take_irq(t, cpu, cpu, NULL);
    else if (strcmp(c, "dma_write_without_bytes") == 0) tt_dma_write(t, dev, 0x1000, 4, NULL, NULL);
    else if (strcmp(c, "unknown_agent") == 0) tt_barrier(t, 7, TT_DMA_WMB, NULL);
    else if (strcmp(c, "store_value_16") == 0) tt_store(t, cpu, 0x1000, 16, 1, NULL);
    else if (strcmp(c, "invalidate_all_with_address") == 0) tt_invalidate(t, cpu, dev, 0x10000, 0, NULL);
    else if (strcmp(c, "riscv_fence_without_successor") == 0) tt_barrier(t, cpu, TT_FENCE(TT_FENCE_W, 0), NULL);
    else if (strcmp(c, "x86_lfence") == 0) tt_barrier(t, cpu, TT_LFENCE, NULL);
    else if (strcmp(c, "riscv_fence_ow_ow") == 0) tt_barrier(t, cpu, TT_FENCE(TT_FENCE_O | TT_FENCE_W, TT_FENCE_O | TT_FENCE_W), NULL);
    else if (strcmp(c, "mmio_write_value_16") == 0) tt_mmio_write(t, cpu, 0x9000, 16, 1, NULL);
    /* v3 kinds */
    else if (strcmp(c, "store_release_by_device") == 0) tt_store_release(t, dev, 0x1000, 4, 1, NULL);
    else if (strcmp(c, "handover_by_device") == 0) tt_handover(t, dev, NULL);
    else if (strcmp(c, "smc_by_device") == 0) tt_firmware_call(t, dev, TT_CONDUIT_SMC, regs, NULL);
    else if (strcmp(c, "iommu_mode_of_cpu") == 0) tt_iommu_mode(t, cpu, cpu, TT_IOMMU_BYPASS, NULL);
    else if (strcmp(c, "quiesce_of_cpu") == 0) tt_quiesce(t, cpu, cpu, NULL);
    else if (strcmp(c, "dma_map_of_cpu") == 0) tt_dma_map(t, cpu, 0x1000, 64, cpu, TT_DMA_TO_DEVICE, NULL);
    else if (strcmp(c, "dma_map_of_agent_65537") == 0) tt_dma_map(t, cpu, 0x1000, 64, 0x10000 + dev, TT_DMA_TO_DEVICE, NULL);
    else if (strcmp(c, "dma_unmap_of_unknown_agent") == 0) tt_dma_unmap(t, cpu, 0x1000, 64, 7, NULL);
    else if (strcmp(c, "iommu_mode_treatment_3") == 0) tt_iommu_mode(t, cpu, dev, (enum tt_iommu_treatment)3, NULL);
    else if (strcmp(c, "dma_map_direction_3") == 0) tt_dma_map(t, cpu, 0x1000, 64, dev, (enum tt_dma_direction)3, NULL);
    else if (strcmp(c, "smc_conduit_2") == 0) tt_firmware_call(t, cpu, (enum tt_conduit)2, regs, NULL);
    else if (strcmp(c, "ret_without_registers") == 0) tt_firmware_return(t, cpu, TT_CONDUIT_SMC, NULL, NULL);
    else if (strcmp(c, "x86_smc") == 0) tt_firmware_call(t, cpu, TT_CONDUIT_SMC, regs, NULL);
    else if (strcmp(c, "riscv_ret") == 0) tt_firmware_return(t, cpu, TT_CONDUIT_HVC, regs, NULL);
    else if (strcmp(c, "load_acquire_size_0") == 0) tt_load_acquire(t, cpu, 0x1000, 0, NULL, NULL);
    else if (strcmp(c, "dma_unmap_size_4097") == 0) tt_dma_unmap(t, cpu, 0x1000, 4097, dev, NULL);
    else if (strcmp(c, "xchg_value_16") == 0) tt_xchg(t, cpu, 0x1000, 16, 1, NULL);
    else if (strcmp(c, "store_release_without_bytes") == 0) tt_store_release_bytes(t, cpu, 0x1000, 4, NULL, NULL);
    else if (strcmp(c, "iommu_at_start_after_start") == 0) {
        if (tt_set_iommu_at_start(t, dev, TT_IOMMU_BYPASS) != -1) return 6;
        fprintf(stderr, "%s\n", tt_error(t));
    }
    else if (strcmp(c, "used_after_start") == 0) {
        if (tt_add_used_rule(t, tbl, bit0, 1, NULL, 0) != -1) return 6;
        fprintf(stderr, "%s\n", tt_error(t));
    }
    else if (strcmp(c, "foreign_site") == 0) {
        /* A site of another trace: not numbered in this one, so the event is kept without it. */
        tt_trace *other = tt_create("other.trace", TT_ARCH_ARM64, "other");
        tt_add_cpu(other, "cpu0");
        const tt_site *a = tt_add_site(other, "a"), *b = tt_add_site(other, "b");
        (void)a;
        if (tt_start(other) != 0) return 5;
        tt_barrier(t, cpu, TT_DMA_WMB, b);
        tt_finish(other);
        tt_free(other);
    }
    else if (strcmp(c, "foreign_site_in_range") == 0) {
        /* Another trace's site numbered as this trace's "mine" is (the first after the program's): an id this
         * trace has, which is not this trace's site. */
        tt_trace *other = tt_create("other.trace", TT_ARCH_ARM64, "other");
        tt_add_cpu(other, "cpu0");
        const tt_site *theirs = tt_add_site(other, "theirs");
        if (tt_start(other) != 0) return 5;
        tt_barrier(t, cpu, TT_DMA_WMB, theirs);
        tt_finish(other);
        tt_free(other);
    }
    tt_store(t, cpu, 0x1004, 4, 2, TT_HERE);
    printf("unsited %llu\n", (unsigned long long)tt_unsited_events(t));
    int rc = tt_finish(t);
    if (rc != 0) fprintf(stderr, "%s\n", tt_error(t));
    tt_free(t);
    return rc != 0 ? 4 : 0;
}
