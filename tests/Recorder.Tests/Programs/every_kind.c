/*
 * every_kind.c: records a fixed-seed mix of every event kind through tracetools.h, for the test that
 * the C writer's bytes equal the C# TraceWriter's for the same events.
 *
 *   every_kind OUT SEED AGENTS CODEC(none|lz4) CHUNK_EVENTS EVENTS [SECTIONS [LOG]]
 *
 * Covers: all 26 kinds of format v3, sizes 1..4096 (size codes and the sizes column), values of 0..8
 * significant bytes, address deltas of 0..8 significant bytes, data over 8 bytes, loads and acquires with and
 * without bytes, far and negative address deltas in the three streams, dev_invalidate of all entries, locks,
 * irqs, every treatment and direction packed above device ids of one and two aux bytes, smc and hvc calls and
 * returns with x0..x17, > 256 agents (two-byte agent ids), program and run-time sites (a duplicate run-time
 * site shares its id), events without a site.
 *
 * SECTIONS picks the metadata sections: "none" (default), or a comma list of "line128" / "line32" (cache line
 * size, section 2), "novalues" (memory values not recorded, section 3), and "bypass1" (the first device starts
 * in bypass) or "modes" (the k-th device, k = 0, 1, ..., starts in treatment k % 3: translate, bypass, abort),
 * section 4. "modes" first sets every device to abort, then each its own from the last device to the first: the
 * section lists the last call per device, ids rising, and no translate.
 * Used bits (section 1, WriterEquivalenceTests.UsedBitsOf states the same rules): "used1" gives table tbl three
 * rules, one of them up to its entry's last bit; "usedmany" declares tables ste and cd after tbl and gives them
 * and tbl rules in the call order cd, ste, tbl, cd, ste (written in region order: tbl, ste, cd); "usedmax"
 * declares 128 ram regions and then table big (a region index of two varint bytes) with 1024 rules, the first
 * of 256 runs and 256 conditions, some on 64-bit fields under full masks.
 *
 * LOG, when given, gets one line per event as the program passed it to tracetools.h, tab-separated:
 * kind number, agent, address (hex), size, aux (packed as the format spells it), site text or -, bytes (hex,
 * in memory order) or -. A firmware event's size is 144 and its bytes are x0..x17, little-endian.
 */
#include "tracetools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;
static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}
static uint32_t below(uint32_t n) { return (uint32_t)(next() % n); }

static tt_trace *t;
static void check(int rc)
{
    if (rc < 0) { fprintf(stderr, "every_kind: %s\n", tt_error(t)); exit(2); }
}

static FILE *event_log;
static void note(unsigned kind, int agent, uint64_t addr, uint32_t size, uint32_t aux, const tt_site *site,
                 const uint8_t *bytes)
{
    if (!event_log) return;
    fprintf(event_log, "%u\t%d\t%llx\t%u\t%u\t%s\t", kind, agent, (unsigned long long)addr, size, aux,
            site ? site->u.text : "-");
    if (!bytes) fputc('-', event_log);
    for (uint32_t i = 0; bytes && i < size; i++) fprintf(event_log, "%02x", bytes[i]);
    fputc('\n', event_log);
}

static uint32_t pick_size(void)
{
    static const uint32_t common[] = { 1, 2, 4, 8, 4, 8, 16, 3 };
    return below(10) == 0 ? 1 + below(4096) : common[below(8)];
}

int main(int argc, char **argv)
{
    if (argc < 7 || argc > 9) { fprintf(stderr, "usage: every_kind OUT SEED AGENTS CODEC CHUNK_EVENTS EVENTS [SECTIONS [LOG]]\n"); return 2; }
    state = strtoull(argv[2], NULL, 0) | 1;
    int agents = atoi(argv[3]);
    uint32_t chunk = (uint32_t)strtoul(argv[5], NULL, 0);
    long events = atol(argv[6]);
    const char *sections = argc >= 8 ? argv[7] : "none";
    if (argc == 9 && !(event_log = fopen(argv[8], "w"))) { perror(argv[8]); return 2; }
    t = tt_create(argv[1], TT_ARCH_ARM64, "every kind");
    check(tt_set_codec(t, strcmp(argv[4], "lz4") == 0 ? TT_CODEC_LZ4 : TT_CODEC_NONE));
    check(tt_set_chunk_events(t, chunk));
    if (strstr(sections, "line128")) check(tt_set_cache_line(t, 128));
    if (strstr(sections, "line32")) check(tt_set_cache_line(t, 32));
    if (strstr(sections, "novalues")) check(tt_set_memory_values_recorded(t, 0));

    /* Agents alternate cpu, device (at least one of each); devices alternate coherent, noncoherent. */
    if (agents < 2) agents = 2;
    int ncpu = 0, ndev = 0;
    int *cpus = malloc(sizeof(int) * (size_t)agents), *devs = malloc(sizeof(int) * (size_t)agents);
    char name[32];
    for (int i = 0; i < agents; i++) {
        snprintf(name, sizeof name, i % 2 == 0 ? "cpu%d" : "dev%d", i);
        int id = i % 2 == 0 ? tt_add_cpu(t, name) : tt_add_device(t, name, ndev % 2);
        check(id);
        if (i % 2 == 0) cpus[ncpu++] = id;
        else devs[ndev++] = id;
    }
    if (strstr(sections, "bypass1")) check(tt_set_iommu_at_start(t, devs[0], TT_IOMMU_BYPASS));
    if (strstr(sections, "modes")) {
        for (int k = 0; k < ndev; k++) check(tt_set_iommu_at_start(t, devs[k], TT_IOMMU_ABORT));
        for (int k = ndev - 1; k >= 0; k--) check(tt_set_iommu_at_start(t, devs[k], (enum tt_iommu_treatment)(k % 3)));
    }
    check(tt_add_ram(t, "mem", 0x10000000, 1 << 20));
    check(tt_add_sync(t, "flags", 0x20000000, 0x1000));
    check(tt_add_mmio(t, "regs", 0x30000000, 0x10000, devs[0]));
    int tbl = tt_add_table(t, "tbl", 0x40000000, 64, 32, 8, 255, devs[0]);
    check(tbl);
    if (strstr(sections, "used1")) {
        static const tt_bits a[] = { { 7, 0 } }, b[] = { { 63, 8 }, { 255, 200 } }, c[] = { { 127, 64 } };
        static const tt_condition cb[] = { { { 3, 1 }, 0x7, 0x5 } };
        static const tt_condition cc[] = { { { 3, 1 }, 0x2, 0x2 }, { { 71, 64 }, 0xff, 0xff }, { { 254, 254 }, 1, 0 } };
        check(tt_add_used_rule(t, tbl, a, 1, NULL, 0));
        check(tt_add_used_rule(t, tbl, b, 2, cb, 1));
        check(tt_add_used_rule(t, tbl, c, 1, cc, 3));
    }
    if (strstr(sections, "usedmany")) {
        int ste = tt_add_table(t, "ste", 0x50000000, 16, 64, 8, 0, devs[0]);
        int cd = tt_add_table(t, "cd", 0x60000000, 8, 64, 8, 0, devs[ndev - 1]);
        check(ste);
        check(cd);
        static const tt_bits cfg[] = { { 3, 1 } }, shcfg_s2[] = { { 64 + 45, 64 + 44 }, { 192 + 51, 192 + 4 } };
        static const tt_condition s1[] = { { { 3, 1 }, 0x1, 0x1 }, { { 64 + 1, 64 + 0 }, 0x3, 0x1 } };
        static const tt_condition s2[] = { { { 3, 1 }, 0x2, 0x2 } };
        static const tt_bits ttb[] = { { 511, 448 }, { 0, 0 }, { 9, 9 } }, asid[] = { { 63 + 64, 48 + 64 } };
        static const tt_condition v[] = { { { 31, 31 }, 1, 1 }, { { 511, 448 }, UINT64_MAX, 0x8000000000000000u } };
        static const tt_bits all[] = { { 255, 0 } };
        check(tt_add_used_rule(t, cd, ttb, 3, v, 2));
        check(tt_add_used_rule(t, ste, cfg, 1, NULL, 0));
        check(tt_add_used_rule(t, tbl, all, 1, v, 1));
        check(tt_add_used_rule(t, cd, asid, 1, NULL, 0));
        check(tt_add_used_rule(t, ste, shcfg_s2, 1, s1, 2));
        check(tt_add_used_rule(t, ste, shcfg_s2, 2, s2, 1));
    }
    if (strstr(sections, "usedmax")) {
        for (int i = 0; i < 128; i++) {
            snprintf(name, sizeof name, "pad%d", i);
            check(tt_add_ram(t, name, 0x70000000 + 0x1000 * (uint64_t)i, 0x1000));
        }
        int big = tt_add_table(t, "big", 0x78000000, 4, 64, 64, 0, devs[0]);
        check(big);
        static tt_bits runs[256];
        static tt_condition conds[256];
        for (uint32_t j = 0; j < 256; j++) {
            runs[j] = (tt_bits){ 2 * j + 1, 2 * j };
            uint64_t mask = UINT64_MAX >> (j % 64);
            conds[j] = (tt_condition){ { 64 * (j % 8) + 63, 64 * (j % 8) }, mask, mask & (0x8000000000000001u | (uint64_t)j << 8) };
        }
        check(tt_add_used_rule(t, big, runs, 256, conds, 256));
        for (uint32_t k = 1; k < 1024; k++) {
            tt_bits one = { k % 512, k % 512 };
            tt_condition c = { { k % 8 + 7, k % 8 }, 0xff, k & 0xff };
            check(tt_add_used_rule(t, big, &one, 1, &c, k % 2 ? 0 : 1));
        }
    }
    int locks[2] = { tt_add_lock(t, "l0"), tt_add_lock(t, "l.1") };
    check(locks[0]);
    check(locks[1]);
    const tt_site *dyn[3] = { tt_add_site(t, "run-time site \xc3\xbc"), tt_add_site(t, "other"), tt_add_site(t, "other") };
    if (!dyn[0] || !dyn[1] || !dyn[2]) check(-1);
    check(tt_start(t));

    static const uint64_t bases[] = { 0x10000000, 0x20000000, 0xFFFFFFFFFFFFF000ull, 0 };
    uint8_t bytes[4096], le[8];
    for (long n = 0; n < events; n++) {
        const tt_site *site = NULL;
        switch (below(6)) {
        case 0: site = TT_HERE; break;
        case 1: site = TT_HERE; break;
        case 2: site = dyn[below(3)]; break;
        case 3: site = TT_HERE; break;
        default: break;
        }
        int cpu = cpus[below((uint32_t)ncpu)], dev = devs[below((uint32_t)ndev)];
        uint32_t size = pick_size();
        uint64_t addr = bases[below(4)] + below(1 << 16);
        uint64_t value = next() >> (8 * below(9) % 64);
        if (below(9) == 0) value = 0;
        for (uint32_t i = 0; i < size; i++) bytes[i] = (uint8_t)next();
        const void *maybe = below(2) ? bytes : NULL;
        for (int i = 0; i < 8; i++) le[i] = (uint8_t)(value >> (8 * i));
        switch (below(26)) {
        case 0:
            if (size <= 8 && below(2)) { check(tt_store(t, cpu, addr, size, value, site)); note(0, cpu, addr, size, 0, site, le); }
            else { check(tt_store_bytes(t, cpu, addr, size, bytes, site)); note(0, cpu, addr, size, 0, site, bytes); }
            break;
        case 1: check(tt_load(t, cpu, addr, size, maybe, site)); note(1, cpu, addr, size, 0, site, maybe); break;
        case 2: {
            static const uint32_t codes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10, 0x14, 0x18, 0x20, 0x23, 0x28 };
            uint32_t code = codes[below(16)];
            check(tt_barrier(t, cpu, code, site));
            note(2, cpu, 0, 0, code, site, NULL);
            break;
        }
        case 3: {
            uint64_t a = 0x30000000 + below(0x1000);
            if (below(8) == 0) { check(tt_mmio_write_bytes(t, cpu, a, 16, bytes, site)); note(3, cpu, a, 16, 0, site, bytes); }
            else {
                uint32_t s = 1u << below(4);
                check(tt_mmio_write(t, cpu, a, s, value, site));
                note(3, cpu, a, s, 0, site, le);
            }
            break;
        }
        case 4: {
            uint64_t a = 0x30000000 + below(0x1000);
            uint32_t s = 1u << below(4);
            check(tt_mmio_read(t, cpu, a, s, site));
            note(4, cpu, a, s, 0, site, NULL);
            break;
        }
        case 5: check(tt_cache_clean(t, cpu, addr, size, site)); note(5, cpu, addr, size, 0, site, NULL); break;
        case 6: check(tt_cache_inval(t, cpu, addr, size, site)); note(6, cpu, addr, size, 0, site, NULL); break;
        case 7: check(tt_cache_flush(t, cpu, addr, size, site)); note(7, cpu, addr, size, 0, site, NULL); break;
        case 8:
            if (below(4) == 0) { check(tt_invalidate(t, cpu, dev, 0, 0, site)); note(8, cpu, 0, 0, (uint32_t)dev, site, NULL); }
            else {
                uint64_t a = 0x40000000 + 32 * below(64);
                check(tt_invalidate(t, cpu, dev, a, 32, site));
                note(8, cpu, a, 32, (uint32_t)dev, site, NULL);
            }
            break;
        case 9: {
            int l = locks[below(2)];
            check(tt_lock(t, cpu, l, site));
            note(9, cpu, 0, 0, (uint32_t)l, site, NULL);
            break;
        }
        case 10: {
            int l = locks[below(2)];
            check(tt_unlock(t, cpu, l, site));
            note(10, cpu, 0, 0, (uint32_t)l, site, NULL);
            break;
        }
        case 11: check(tt_take_irq(t, cpu, dev, site)); note(11, cpu, 0, 0, (uint32_t)dev, site, NULL); break;
        case 12: check(tt_dma_read(t, dev, addr, size, maybe, site)); note(12, dev, addr, size, 0, site, maybe); break;
        case 13: check(tt_dma_write(t, dev, addr, size, bytes, site)); note(13, dev, addr, size, 0, site, bytes); break;
        case 14: {
            uint32_t g = below(4);
            uint64_t a = 0x40000000 + 32 * below(64) + 8 * g;
            check(tt_fetch(t, dev, a, 8, g, maybe, site));
            note(14, dev, a, 8, g, site, maybe);
            break;
        }
        case 15: check(tt_raise_irq(t, dev, site)); note(15, dev, 0, 0, 0, site, NULL); break;
        case 16:
            if (size <= 8 && below(2)) { check(tt_store_release(t, cpu, addr, size, value, site)); note(16, cpu, addr, size, 0, site, le); }
            else { check(tt_store_release_bytes(t, cpu, addr, size, bytes, site)); note(16, cpu, addr, size, 0, site, bytes); }
            break;
        case 17: check(tt_load_acquire(t, cpu, addr, size, maybe, site)); note(17, cpu, addr, size, 0, site, maybe); break;
        case 18:
            if (size <= 8 && below(2)) { check(tt_xchg(t, cpu, addr, size, value, site)); note(18, cpu, addr, size, 0, site, le); }
            else { check(tt_xchg_bytes(t, cpu, addr, size, bytes, site)); note(18, cpu, addr, size, 0, site, bytes); }
            break;
        case 19: {
            uint32_t how = below(3);
            check(tt_iommu_mode(t, cpu, dev, (enum tt_iommu_treatment)how, site));
            note(19, cpu, 0, 0, (uint32_t)dev | how << 16, site, NULL);
            break;
        }
        case 20: check(tt_quiesce(t, cpu, dev, site)); note(20, cpu, 0, 0, (uint32_t)dev, site, NULL); break;
        case 21: check(tt_handover(t, cpu, site)); note(21, cpu, 0, 0, 0, site, NULL); break;
        case 22: {
            uint32_t dir = below(3);
            check(tt_dma_map(t, cpu, addr, size, dev, (enum tt_dma_direction)dir, site));
            note(22, cpu, addr, size, (uint32_t)dev | dir << 16, site, NULL);
            break;
        }
        case 23: check(tt_dma_unmap(t, cpu, addr, size, dev, site)); note(23, cpu, addr, size, (uint32_t)dev, site, NULL); break;
        default: {
            /* 24 call, 25 return: x0..x17 mostly small, some zero, some full 64-bit words. */
            unsigned kind = below(2) ? 24 : 25;
            uint32_t conduit = below(2);
            uint64_t regs[TT_FIRMWARE_REGS];
            uint8_t regbytes[8 * TT_FIRMWARE_REGS];
            for (int i = 0; i < TT_FIRMWARE_REGS; i++) {
                regs[i] = below(3) == 0 ? 0 : next() >> (8 * below(8));
                for (int b = 0; b < 8; b++) regbytes[8 * i + b] = (uint8_t)(regs[i] >> (8 * b));
            }
            if (kind == 24) check(tt_firmware_call(t, cpu, (enum tt_conduit)conduit, regs, site));
            else check(tt_firmware_return(t, cpu, (enum tt_conduit)conduit, regs, site));
            note(kind, cpu, 0, 8 * TT_FIRMWARE_REGS, conduit, site, regbytes);
            break;
        }
        }
    }
    check(tt_finish(t));
    tt_free(t);
    if (event_log && fclose(event_log) != 0) { perror(argv[7]); return 2; }
    free(cpus);
    free(devs);
    return 0;
}
