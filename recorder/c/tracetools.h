/*
 * tracetools.h: record a TraceTools trace (format v3, docs/trace-format.md) from C.
 *
 * For code that runs next to the hardware or its model: a QEMU device model, a SystemC or Verilator
 * testbench, a userspace VFIO/DPDK-style driver. One header, one source file (tracetools.c), libc
 * only; LZ4 is loaded from the system's liblz4.so.1 on demand (dlopen) when asked for.
 *
 *   tt_trace *t = tt_create("ring.trace", TT_ARCH_ARM64, "tx ring");
 *   int cpu = tt_add_cpu(t, "cpu0"), nic = tt_add_device(t, "nic", 1);
 *   int ring = tt_add_table(t, "txring", 0x80000000, 16, 16, 16, 127, nic);
 *   if (tt_start(t) != 0) { fprintf(stderr, "%s\n", tt_error(t)); ... }
 *   TT_STORE(t, cpu, 0x80000000, 8, buf_addr);          // site "file.c:LINE"
 *   TT_BARRIER(t, cpu, TT_DMA_WMB);
 *   ...
 *   if (tt_finish(t) != 0) fprintf(stderr, "%s\n", tt_error(t));
 *   tt_free(t);
 *
 * Declarations (agents, regions, locks, sites) come first, tt_start writes the header, then events.
 * Every function returns 0 (or an id >= 0) on success and -1 on failure, with the reason in
 * tt_error(t). An event the format would refuse (wrong agent kind, size outside 1..4096, barrier of
 * another arch...) is not recorded: it returns -1, and tt_finish fails naming the first one.
 *
 * Threads: any number of threads may record into one trace; each agent must be recorded by one
 * thread at a time (its events are its program order). The trace order is the order in which the
 * tt_* calls take the trace's mutex; see recorder/c/README.md for the rule that makes this order a
 * valid execution (record a write before it becomes visible, a read after it is performed).
 *
 * Crashes: each chunk is written with write(2) as it fills (tt_flush cuts one early), so a process
 * killed at any point leaves a trace whose complete chunks read back (the reader reports it truncated).
 */
#ifndef TRACETOOLS_H
#define TRACETOOLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One recording. Opaque. */
typedef struct tt_trace tt_trace;

/** Whose ordering rules the trace was recorded under (values are the format's arch byte). */
enum tt_arch { TT_ARCH_SC = 0, TT_ARCH_X86_64 = 1, TT_ARCH_ARM64 = 2, TT_ARCH_RISCV64 = 3 };

/** Chunk codec: none, or the LZ4 block format of the system's liblz4.so.1. */
enum tt_codec { TT_CODEC_NONE = 0, TT_CODEC_LZ4 = 1 };

/** Barrier codes (the format's BarrierCode numbering). */
enum tt_barrier_code {
    TT_COMPILER_BARRIER = 0,
    TT_MB = 1, TT_RMB = 2, TT_WMB = 3, TT_DMA_MB = 4, TT_DMA_RMB = 5, TT_DMA_WMB = 6,
    TT_SMP_MB = 7, TT_SMP_RMB = 8, TT_SMP_WMB = 9,
    TT_MFENCE = 0x30, TT_SFENCE = 0x31, TT_LFENCE = 0x32
};
/** arm64 dmb/dsb options, for TT_DMB(opt) and TT_DSB(opt). */
enum tt_arm64_option {
    TT_ISH = 0, TT_ISHST = 1, TT_ISHLD = 2, TT_OSH = 3, TT_OSHST = 4, TT_OSHLD = 5,
    TT_SY = 6, TT_ST = 7, TT_LD = 8
};
#define TT_DMB(opt) (0x10 + (opt))
#define TT_DSB(opt) (0x20 + (opt))
/** riscv fence sets as in the instruction encoding; TT_FENCE(TT_FENCE_O|TT_FENCE_W, TT_FENCE_O|TT_FENCE_W). */
enum tt_fence_set { TT_FENCE_W = 1, TT_FENCE_R = 2, TT_FENCE_O = 4, TT_FENCE_I = 8 };
#define TT_FENCE(pred, succ) (0x100 | ((pred) << 4) | (succ))

/** How the IOMMU treats a device's DMA (tt_iommu_mode, tt_set_iommu_at_start): the format's treatment numbers. */
enum tt_iommu_treatment { TT_IOMMU_TRANSLATE = 0, TT_IOMMU_BYPASS = 1, TT_IOMMU_ABORT = 2 };
/** The direction of a DMA mapping, as the kernel's DMA API names it (the format's direction numbers). */
enum tt_dma_direction { TT_DMA_BIDIRECTIONAL = 0, TT_DMA_TO_DEVICE = 1, TT_DMA_FROM_DEVICE = 2 };
/** The instruction of a firmware call: smc (to EL3) or hvc (to EL2). arm64 only (docs/model.md §12). */
enum tt_conduit { TT_CONDUIT_SMC = 0, TT_CONDUIT_HVC = 1 };
/** Registers a firmware call or return carries: x0..x17. */
#define TT_FIRMWARE_REGS 18

/**
 * A code location. TT_HERE makes one per use ("file.c:LINE") in the ELF section "tt_sites", so that
 * tt_start knows every site of the program before the first event (the format interns sites in the
 * header). GCC and Clang on ELF targets; compile tracetools.c into the same executable or shared
 * object as the code that uses TT_HERE, and not inside C++ templates (see tt_unsited_events).
 * Sites made at run time: tt_add_site.
 */
typedef struct tt_site {
    union { const char *text; uint64_t pad_; } u;
    uint32_t id;    /* site id + 1 once tt_start has numbered it; 0 before */
    uint32_t magic; /* TT_SITE_MAGIC: tells entries from the padding a linker may leave */
} tt_site;
#define TT_SITE_MAGIC 0x54544953u
#define TT_STR2_(x) #x
#define TT_STR_(x) TT_STR2_(x)
#define TT_HERE (__extension__({                                                           \
    static tt_site tt_site_here_ __attribute__((used, section("tt_sites"), aligned(16))) = \
        { { __FILE__ ":" TT_STR_(__LINE__) }, 0, TT_SITE_MAGIC };                          \
    (const tt_site *)&tt_site_here_; }))

/* ---- declarations (before tt_start) ---- */

/** A new recording to PATH (created by tt_start, written in place so that a crash keeps its chunks). */
tt_trace *tt_create(const char *path, enum tt_arch arch, const char *name);
/** Codec of the chunks (default TT_CODEC_NONE); LZ4 fails at tt_start when liblz4.so.1 is missing. */
int tt_set_codec(tt_trace *t, enum tt_codec codec);
/** Events per chunk, 1..2^20 (default 4096): the most a crash can lose. */
int tt_set_chunk_events(tt_trace *t, uint32_t events);
/**
 * The cache line size, a power of two in 16..4096 (default 64, the default of every arch): cache maintenance
 * acts on whole lines, and a noncoherent buffer may share one with cpu data (docs/model.md §9). A size other
 * than 64 is written as metadata section 2.
 */
int tt_set_cache_line(tt_trace *t, uint32_t bytes);
/**
 * Whether the bytes of memory writes (store, store_release, xchg, dma_write) are the values really written
 * (1, the default) or stand-ins because the recorder cannot read them (0: metadata section 3; reports then
 * show no value for those events, MMIO values still count).
 */
int tt_set_memory_values_recorded(tt_trace *t, int recorded);

/** A cpu agent; returns its agent id. Names are [A-Za-z_][A-Za-z0-9_.]*, unique. */
int tt_add_cpu(tt_trace *t, const char *name);
/** A device agent (DMA engine, entry fetcher); coherent = 0 when cpu caches need maintenance for it. */
int tt_add_device(tt_trace *t, const char *name, int coherent);
/** Plain memory; returns the region id. */
int tt_add_ram(tt_trace *t, const char *name, uint64_t base, uint64_t size);
/** Synchronization words (flags, indices): reads acquire what stores released. */
int tt_add_sync(tt_trace *t, const char *name, uint64_t base, uint64_t size);
/** Registers of device agent DEVICE. */
int tt_add_mmio(tt_trace *t, const char *name, uint64_t base, uint64_t size, int device);
/** A table of ENTRIES entries of ENTRY_SIZE bytes fetched by device FETCHER in GRANULE-byte pieces. */
int tt_add_table(tt_trace *t, const char *name, uint64_t base, uint64_t entries, uint32_t entry_size,
                 uint32_t granule, uint32_t present_bit, int fetcher);
/**
 * Entry bits HIGH:LOW, inclusive, high first as GENMASK(HIGH, LOW) and the specifications write them: { 3, 1 } is
 * bits 3:1, { 5, 5 } bit 5. Counted little-endian from the entry's first byte: bit 64 is bit 0 of the second qword.
 */
typedef struct tt_bits { uint32_t high, low; } tt_bits;
/** A condition on an entry: its bits FIELD (at most 64) read as an unsigned integer, masked with MASK, equal VALUE. */
typedef struct tt_condition { tt_bits field; uint64_t mask, value; } tt_condition;
/**
 * One used-bits rule of table TABLE (a region id of tt_add_table), the scenario language's `used` line (docs/model.md
 * §8.1): the fetcher uses the N_BITS runs BITS of an entry whose fields meet all N_WHEN conditions WHEN (none:
 * always; WHEN may be NULL then). Used(entry) is the present bit, and when it is set the bits of every rule that
 * holds; a table without rules uses every bit. Between tt_add_table and tt_start; one call per rule, the rules of
 * a table kept in call order, the tables written in region order (metadata section 1). Refused (-1, nothing of
 * the rule kept, and tt_start then fails with the reason): a region not declared or not a table, more than 1024
 * rules for one table, 0 or more than 256 runs, more than 256 conditions, a NULL array with a count, bits that
 * run downwards or lie outside the entry, a condition wider than 64 bits, a mask with bits outside its field or a
 * value with bits outside its mask, a call after tt_start.
 */
int tt_add_used_rule(tt_trace *t, int table, const tt_bits *bits, size_t n_bits, const tt_condition *when,
                     size_t n_when);
/**
 * How the IOMMU treats device DEVICE's DMA when the trace begins (docs/model.md §11, "The mode at the start"):
 * TT_IOMMU_TRANSLATE (every device's unless set), TT_IOMMU_BYPASS (iommu.passthrough=1, iommu=pt) or TT_IOMMU_ABORT.
 * For a recording that starts on a running system, so that the mode its devices already had is not taken for a
 * tt_iommu_mode change under a running device. Between tt_add_device and tt_start; the last call for a device
 * counts. Devices not in translate are written as metadata section 4.
 */
int tt_set_iommu_at_start(tt_trace *t, int device, enum tt_iommu_treatment treatment);
/** A lock; returns its lock id. */
int tt_add_lock(tt_trace *t, const char *name);
/**
 * A site known only at run time; returns a site owned by the trace, or NULL (after tt_start, out of memory;
 * tt_error says which). TEXT is kept as the importers keep sites: invalid UTF-8 becomes U+FFFD, control
 * characters '?', and text over 4096 bytes is cut at the last whole character within them.
 */
const tt_site *tt_add_site(tt_trace *t, const char *text);

/** Checks the declarations, creates the file and writes the header. */
int tt_start(tt_trace *t);

/* ---- events (after tt_start); SITE may be NULL ---- */

/** cpu store of SIZE (1..8) bytes: VALUE little-endian. */
int tt_store(tt_trace *t, int cpu, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site);
/** cpu store of SIZE (1..4096) bytes in memory order. */
int tt_store_bytes(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site);
/** cpu load; BYTES (the SIZE bytes observed) may be NULL. */
int tt_load(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site);
/** cpu barrier: a tt_barrier_code, TT_DMB(..), TT_DSB(..) or TT_FENCE(..), valid for the arch. */
int tt_barrier(tt_trace *t, int cpu, uint32_t code, const tt_site *site);
/** cpu MMIO write of SIZE (1..8) bytes. */
int tt_mmio_write(tt_trace *t, int cpu, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site);
/** cpu MMIO write of SIZE (1..4096) bytes in memory order (a 16-byte mailbox store pair, ...). */
int tt_mmio_write_bytes(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site);
/** cpu MMIO read (the value read is not recorded: the replay does not use it). */
int tt_mmio_read(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const tt_site *site);
/** cpu cache maintenance: clean (write back), invalidate, flush (both). */
int tt_cache_clean(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const tt_site *site);
int tt_cache_inval(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const tt_site *site);
int tt_cache_flush(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const tt_site *site);
/** cpu invalidates DEVICE's cached copy of the entry at ADDR (ENTRY_SIZE bytes), or all when both are 0. */
int tt_invalidate(tt_trace *t, int cpu, int device, uint64_t addr, uint32_t entry_size, const tt_site *site);
/** cpu lock acquire and release. */
int tt_lock(tt_trace *t, int cpu, int lock, const tt_site *site);
int tt_unlock(tt_trace *t, int cpu, int lock, const tt_site *site);
/** cpu enters the handler of DEVICE's interrupt. */
int tt_take_irq(tt_trace *t, int cpu, int device, const tt_site *site);
/** device raises its interrupt. */
int tt_raise_irq(tt_trace *t, int device, const tt_site *site);
/** device read of memory; BYTES observed may be NULL. */
int tt_dma_read(tt_trace *t, int device, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site);
/** device write of memory, with its SIZE bytes. */
int tt_dma_write(tt_trace *t, int device, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site);
/** fetcher's atomic read of granule GRANULE (SIZE bytes at ADDR) of a table entry; BYTES may be NULL. */
int tt_fetch(tt_trace *t, int device, uint64_t addr, uint32_t size, uint32_t granule, const void *bytes,
             const tt_site *site);

/** cpu store-release (smp_store_release, stlr) of SIZE (1..8) bytes: VALUE little-endian. */
int tt_store_release(tt_trace *t, int cpu, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site);
/** cpu store-release of SIZE (1..4096) bytes in memory order. */
int tt_store_release_bytes(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site);
/** cpu load-acquire (smp_load_acquire, ldar); BYTES (the SIZE bytes observed) may be NULL. */
int tt_load_acquire(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site);
/** cpu fully ordered exchange (xchg) storing SIZE (1..8) bytes: VALUE little-endian. */
int tt_xchg(tt_trace *t, int cpu, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site);
/** cpu exchange storing SIZE (1..4096) bytes in memory order. */
int tt_xchg_bytes(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site);
/** cpu sets how the IOMMU treats DEVICE's DMA from now on (SMMU bypass or abort at kexec, ...). */
int tt_iommu_mode(tt_trace *t, int cpu, int device, enum tt_iommu_treatment treatment, const tt_site *site);
/** cpu stopped DEVICE and waited until it was idle (a driver's shutdown). */
int tt_quiesce(tt_trace *t, int cpu, int device, const tt_site *site);
/** cpu hands memory to a new owner (kexec, reboot). */
int tt_handover(tt_trace *t, int cpu, const tt_site *site);
/** cpu maps SIZE (1..4096) bytes at ADDR for DEVICE's DMA in DIRECTION (dma_map_single, ...). */
int tt_dma_map(tt_trace *t, int cpu, uint64_t addr, uint32_t size, int device, enum tt_dma_direction direction,
               const tt_site *site);
/** cpu unmaps the SIZE bytes at ADDR from DEVICE. */
int tt_dma_unmap(tt_trace *t, int cpu, uint64_t addr, uint32_t size, int device, const tt_site *site);
/**
 * cpu calls firmware through CONDUIT (smc or hvc) with REGS = x0..x17, and firmware returns to the cpu's
 * innermost open call with REGS. arm64 traces only (the replay refuses them in any other); a return's conduit
 * is its call's. A proxy (pKVM at EL2) records outer call, inner call, inner return, outer return on one cpu.
 */
int tt_firmware_call(tt_trace *t, int cpu, enum tt_conduit conduit, const uint64_t regs[TT_FIRMWARE_REGS],
                     const tt_site *site);
int tt_firmware_return(tt_trace *t, int cpu, enum tt_conduit conduit, const uint64_t regs[TT_FIRMWARE_REGS],
                       const tt_site *site);

/* The same with the caller's file:line as site. */
#define TT_STORE(t, cpu, addr, size, value) tt_store(t, cpu, addr, size, value, TT_HERE)
#define TT_STORE_BYTES(t, cpu, addr, size, bytes) tt_store_bytes(t, cpu, addr, size, bytes, TT_HERE)
#define TT_LOAD(t, cpu, addr, size, bytes) tt_load(t, cpu, addr, size, bytes, TT_HERE)
#define TT_BARRIER(t, cpu, code) tt_barrier(t, cpu, code, TT_HERE)
#define TT_MMIO_WRITE(t, cpu, addr, size, value) tt_mmio_write(t, cpu, addr, size, value, TT_HERE)
#define TT_MMIO_WRITE_BYTES(t, cpu, addr, size, bytes) tt_mmio_write_bytes(t, cpu, addr, size, bytes, TT_HERE)
#define TT_MMIO_READ(t, cpu, addr, size) tt_mmio_read(t, cpu, addr, size, TT_HERE)
#define TT_CACHE_CLEAN(t, cpu, addr, size) tt_cache_clean(t, cpu, addr, size, TT_HERE)
#define TT_CACHE_INVAL(t, cpu, addr, size) tt_cache_inval(t, cpu, addr, size, TT_HERE)
#define TT_CACHE_FLUSH(t, cpu, addr, size) tt_cache_flush(t, cpu, addr, size, TT_HERE)
#define TT_INVALIDATE(t, cpu, device, addr, entry_size) tt_invalidate(t, cpu, device, addr, entry_size, TT_HERE)
#define TT_LOCK(t, cpu, lock) tt_lock(t, cpu, lock, TT_HERE)
#define TT_UNLOCK(t, cpu, lock) tt_unlock(t, cpu, lock, TT_HERE)
#define TT_TAKE_IRQ(t, cpu, device) tt_take_irq(t, cpu, device, TT_HERE)
#define TT_RAISE_IRQ(t, device) tt_raise_irq(t, device, TT_HERE)
#define TT_DMA_READ(t, device, addr, size, bytes) tt_dma_read(t, device, addr, size, bytes, TT_HERE)
#define TT_DMA_WRITE(t, device, addr, size, bytes) tt_dma_write(t, device, addr, size, bytes, TT_HERE)
#define TT_FETCH(t, device, addr, size, granule, bytes) tt_fetch(t, device, addr, size, granule, bytes, TT_HERE)
#define TT_STORE_RELEASE(t, cpu, addr, size, value) tt_store_release(t, cpu, addr, size, value, TT_HERE)
#define TT_STORE_RELEASE_BYTES(t, cpu, addr, size, bytes) tt_store_release_bytes(t, cpu, addr, size, bytes, TT_HERE)
#define TT_LOAD_ACQUIRE(t, cpu, addr, size, bytes) tt_load_acquire(t, cpu, addr, size, bytes, TT_HERE)
#define TT_XCHG(t, cpu, addr, size, value) tt_xchg(t, cpu, addr, size, value, TT_HERE)
#define TT_XCHG_BYTES(t, cpu, addr, size, bytes) tt_xchg_bytes(t, cpu, addr, size, bytes, TT_HERE)
#define TT_IOMMU_MODE(t, cpu, device, treatment) tt_iommu_mode(t, cpu, device, treatment, TT_HERE)
#define TT_QUIESCE(t, cpu, device) tt_quiesce(t, cpu, device, TT_HERE)
#define TT_HANDOVER(t, cpu) tt_handover(t, cpu, TT_HERE)
#define TT_DMA_MAP(t, cpu, addr, size, device, direction) tt_dma_map(t, cpu, addr, size, device, direction, TT_HERE)
#define TT_DMA_UNMAP(t, cpu, addr, size, device) tt_dma_unmap(t, cpu, addr, size, device, TT_HERE)
#define TT_SMC(t, cpu, regs) tt_firmware_call(t, cpu, TT_CONDUIT_SMC, regs, TT_HERE)
#define TT_HVC(t, cpu, regs) tt_firmware_call(t, cpu, TT_CONDUIT_HVC, regs, TT_HERE)
#define TT_SMC_RETURN(t, cpu, regs) tt_firmware_return(t, cpu, TT_CONDUIT_SMC, regs, TT_HERE)
#define TT_HVC_RETURN(t, cpu, regs) tt_firmware_return(t, cpu, TT_CONDUIT_HVC, regs, TT_HERE)

/* ---- end ---- */

/** Writes the chunk being built now (a durability point); events so far survive a crash. */
int tt_flush(tt_trace *t);
/** Writes the last chunk, the chunk index and the trailer, and closes the file. */
int tt_finish(tt_trace *t);
/** The first error, or "" when none. Valid until tt_free. */
const char *tt_error(const tt_trace *t);
/** Events recorded so far; may be called while other threads record. */
uint64_t tt_event_count(const tt_trace *t);
/**
 * Events recorded without their site because tt_start had not numbered it: a TT_HERE inside a C++
 * template (GCC keeps template statics out of the tt_sites section), or in an executable or shared
 * object that does not link tracetools.c (use tt_add_site for those), or another trace's tt_add_site.
 */
uint64_t tt_unsited_events(const tt_trace *t);
/** Frees the recording; without tt_finish the file keeps its complete chunks and reads as truncated. */
void tt_free(tt_trace *t);

#ifdef __cplusplus
}
#endif
#endif
