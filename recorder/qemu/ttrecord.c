/*
 * ttrecord: a QEMU TCG plugin that writes each vCPU's memory accesses,
 * barriers and cache maintenance into QEMU's log in the line format that
 * `tracetools import qemu` reads (docs/recording.md, "qemu").
 *
 *   tt_info plugin ttrecord version 1 target aarch64 api 1 vcpus 1
 *   tt_load cpu 0 addr 0x40100000 size 8 pc 0x40080010
 *   tt_store cpu 0 addr 0x40100000 size 8 pc 0x40080014
 *   tt_barrier cpu 0 insn dmb.oshst pc 0x40080018
 *   tt_cache cpu 0 op civac pc 0x4008001c
 *   tt_io_store cpu 0 addr 0x9020010 size 8 pc 0x40080030
 *
 * What plugin API version 1 (QEMU 7.2) cannot give, and so is not written:
 * the value of a load or store (there is no value query), and the address of
 * cache maintenance (the address is in a register, and v1 cannot read
 * registers; QEMU also emulates dc cvac/clflush without a memory access).
 * Accesses to MMIO (qemu_plugin_hwaddr_is_io) are written as tt_io_load and
 * tt_io_store, which only give a pc to the memory_region_ops_read/write
 * trace event QEMU prints for the same access, with its value, just before.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "qemu-plugin-api.h"

TT_PLUGIN_EXPORT int qemu_plugin_version = TT_QEMU_PLUGIN_API_VERSION;

#define TT_FORMAT_VERSION 1

static enum tt_arch guest_arch;
static bool system_emulation;

/*
 * A barrier or cache instruction seen at translation time, kept for the
 * execution callback. Interned by (pc, name) so that retranslating a block
 * reuses the record instead of leaking one per translation.
 */
struct tt_special {
    uint64_t pc;
    struct tt_insn_class cls;
};

static struct {
    pthread_mutex_t lock;
    struct tt_special **slots;
    size_t capacity; /* a power of two */
    size_t count;
} specials = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

static size_t special_hash(uint64_t pc, const char *name)
{
    uint64_t h = pc * 0x9e3779b97f4a7c15ull;
    for (; *name; name++) {
        h = (h ^ (unsigned char)*name) * 0x100000001b3ull;
    }
    return (size_t)(h ^ (h >> 29));
}

static int specials_grow(void)
{
    size_t capacity = specials.capacity ? specials.capacity * 2 : 256;
    struct tt_special **slots = calloc(capacity, sizeof *slots);
    if (slots == NULL) {
        return -1;
    }
    for (size_t i = 0; i < specials.capacity; i++) {
        struct tt_special *s = specials.slots[i];
        if (s != NULL) {
            size_t j = special_hash(s->pc, s->cls.name) & (capacity - 1);
            while (slots[j] != NULL) {
                j = (j + 1) & (capacity - 1);
            }
            slots[j] = s;
        }
    }
    free(specials.slots);
    specials.slots = slots;
    specials.capacity = capacity;
    return 0;
}

/* Returns the record for (pc, cls), creating it; NULL when out of memory. */
static struct tt_special *special_intern(uint64_t pc, const struct tt_insn_class *cls)
{
    struct tt_special *found = NULL;
    pthread_mutex_lock(&specials.lock);
    if ((specials.count + 1) * 2 > specials.capacity && specials_grow() != 0) {
        goto out;
    }
    size_t mask = specials.capacity - 1;
    size_t j = special_hash(pc, cls->name) & mask;
    for (; specials.slots[j] != NULL; j = (j + 1) & mask) {
        struct tt_special *s = specials.slots[j];
        if (s->pc == pc && strcmp(s->cls.name, cls->name) == 0) {
            found = s;
            goto out;
        }
    }
    found = malloc(sizeof *found);
    if (found != NULL) {
        found->pc = pc;
        found->cls = *cls;
        specials.slots[j] = found;
        specials.count++;
    }
out:
    pthread_mutex_unlock(&specials.lock);
    return found;
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    /*
     * MMIO is written as tt_io_*: QEMU's memory_region_ops_read/write events,
     * printed during the access (so just before this line), carry its value;
     * this line gives it the pc they lack.
     */
    const char *io = hw != NULL && qemu_plugin_hwaddr_is_io(hw) ? "io_" : "";
    unsigned size = 1u << qemu_plugin_mem_size_shift(info);
    char line[160];
    if (hw == NULL && system_emulation) {
        /* A virtual address would be mapped onto the wrong region: say what was lost instead. */
        snprintf(line, sizeof line, "tt_error cpu %u: no physical address for the %u-byte access at vaddr 0x%" PRIx64
                 " pc 0x%" PRIx64 "\n", vcpu, size, vaddr, (uint64_t)(uintptr_t)udata);
        qemu_plugin_outs(line);
        return;
    }
    /* In user-mode emulation there is no hwaddr, and the address is the virtual one. */
    uint64_t addr = hw != NULL ? qemu_plugin_hwaddr_phys_addr(hw) : vaddr;
    snprintf(line, sizeof line, "tt_%s%s cpu %u addr 0x%" PRIx64 " size %u pc 0x%" PRIx64 "\n", io,
             qemu_plugin_mem_is_store(info) ? "store" : "load", vcpu, addr, size, (uint64_t)(uintptr_t)udata);
    qemu_plugin_outs(line);
}

static void on_special(unsigned int vcpu, void *udata)
{
    const struct tt_special *s = udata;
    char line[128];
    if (s->cls.kind == TT_INSN_BARRIER) {
        snprintf(line, sizeof line, "tt_barrier cpu %u insn %s pc 0x%" PRIx64 "\n", vcpu, s->cls.name, s->pc);
    } else {
        snprintf(line, sizeof line, "tt_cache cpu %u op %s pc 0x%" PRIx64 "\n", vcpu, s->cls.name, s->pc);
    }
    qemu_plugin_outs(line);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t pc = qemu_plugin_insn_vaddr(insn);
        /* The pc rides in the user-data pointer: no allocation per access site. */
        qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
                                         (void *)(uintptr_t)pc);

        struct tt_insn_class cls;
        if (tt_classify(guest_arch, qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn), &cls) ==
            TT_INSN_OTHER) {
            continue;
        }
        struct tt_special *s = special_intern(pc, &cls);
        if (s == NULL) {
            qemu_plugin_outs("tt_error out of memory: a barrier or cache instruction is not recorded\n");
            continue;
        }
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_special, QEMU_PLUGIN_CB_NO_REGS, s);
    }
}

static void on_plugin_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    pthread_mutex_lock(&specials.lock);
    for (size_t i = 0; i < specials.capacity; i++) {
        free(specials.slots[i]);
    }
    free(specials.slots);
    specials.slots = NULL;
    specials.capacity = specials.count = 0;
    pthread_mutex_unlock(&specials.lock);
}

TT_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)argv;
    if (argc != 0) {
        fprintf(stderr, "ttrecord: takes no arguments\n");
        return -1;
    }
    guest_arch = tt_arch_from_target(info->target_name);
    system_emulation = info->system_emulation;
    if (guest_arch == TT_ARCH_UNKNOWN) {
        /* Loads and stores are still recorded; barriers need a decoder for the target. */
        fprintf(stderr, "ttrecord: no barrier decoder for target '%s'; recording loads and stores only\n",
                info->target_name);
    }
    char line[160];
    snprintf(line, sizeof line, "tt_info plugin ttrecord version %d target %s api %d vcpus %d\n", TT_FORMAT_VERSION,
             info->target_name, info->version.cur,
             info->system_emulation ? info->system.smp_vcpus : -1);
    qemu_plugin_outs(line);
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_plugin_exit, NULL);
    return 0;
}
