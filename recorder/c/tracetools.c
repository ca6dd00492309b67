/*
 * tracetools.c: the TraceTools trace writer in C (format v3, docs/trace-format.md, byte by byte).
 * The C# reference is src/TraceFormat (TraceWriter, MetadataRules, EventRules); this file follows it
 * rule for rule so that the reader accepts what it writes. See recorder/c/README.md.
 *
 * Build: cc -std=c11 -O2 -pthread -c tracetools.c   (glibc < 2.34: link with -ldl for LZ4;
 * -DTT_NO_LZ4 drops the dlopen of liblz4.so.1 altogether).
 */
#define _POSIX_C_SOURCE 200809L
#include "tracetools.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifndef TT_NO_LZ4
#include <dlfcn.h>
#endif

/* ---- layout constants (FormatLayout.cs) ---- */
/* Version 3: every kind (0..25) and the metadata sections, read by every reader since v3. Not v4: v4 only adds
 * the census section, which replay uses to go faster, not to find more, and which would need a page set here. */
enum {
    FORMAT_VERSION = 3,
    FILE_HEADER = 20, CHUNK_HEADER = 36, COLUMN_TABLE = 36, TRAILER = 32, INDEX_ENTRY = 20,
    MAX_SIZE = 4096, MAX_STRING = 4096, MAX_AGENTS = 4096, MAX_REGIONS = 65536, MAX_LOCKS = 65536,
    MAX_SITES = 1 << 20, MAX_CHUNK_EVENTS = 1 << 20, CHUNK_RAW_TARGET = 16 << 20,
    MAX_METADATA = 16 << 20, STREAMS = 3,
    MIN_CACHE_LINE = 16, MAX_CACHE_LINE = 4096, DEFAULT_CACHE_LINE = 64, /* CacheLines.cs: 64 on every arch */
    MAX_USED_RULES = 1024, MAX_USED_PER_RULE = 256, MAX_CONDITION_BITS = 64 /* UsedBits.cs */
};
/* Metadata section tags (MetadataCodec.Sections.cs). */
enum { TAG_END = 0, TAG_USED_BITS = 1, TAG_CACHE_LINE = 2, TAG_VALUES_NOT_RECORDED = 3, TAG_IOMMU_AT_START = 4 };
#define CHUNK_MAGIC 0x4B484354u   /* "TCHK" */
#define INDEX_MAGIC 0x58444954u   /* "TIDX" */
#define TRAILER_MAGIC 0x444E4554u /* "TEND" */
static const uint8_t FILE_MAGIC[8] = { 0x89, 'T', 'T', 'R', '\r', '\n', 0x1A, '\n' };

/* The format's EventKind numbers. 0..14 are the kind byte's nibble; 15 and up are nibble 15 plus the
 * extension byte kind - 15 in the E column. */
enum kind {
    K_STORE, K_LOAD, K_BARRIER, K_MMIO_WRITE, K_MMIO_READ, K_CACHE_CLEAN, K_CACHE_INVAL, K_CACHE_FLUSH,
    K_DEV_INVALIDATE, K_LOCK, K_UNLOCK, K_TAKE_IRQ, K_DMA_READ, K_DMA_WRITE, K_FETCH, K_RAISE_IRQ,
    K_STORE_RELEASE, K_LOAD_ACQUIRE, K_XCHG, K_IOMMU_MODE, K_QUIESCE, K_HANDOVER, K_DMA_MAP, K_DMA_UNMAP,
    K_FIRMWARE_CALL, K_FIRMWARE_RETURN, KIND_COUNT
};
enum { EXTENDED_NIBBLE = 15, REGISTER_BYTES = TT_FIRMWARE_REGS * 8 };
enum region_kind { R_RAM, R_SYNC, R_MMIO, R_TABLE };

/* What each kind carries on disk (EventKind.cs: HasAddress, HasAux, MustCarryData, MayCarryData, IsCpuEvent,
 * KindByte.Slot, FixedSize): one row per kind, so a kind's facts are read in one place. */
enum {
    F_ADDRESS = 1, F_AUX = 2, F_MUST_CARRY = 4, F_MAY_CARRY = 8, F_CPU = 16,
    F_MMIO_STREAM = 32, F_ENTRY_STREAM = 64, /* else stream 0, memory */
    F_DEVICE_AUX = 128 /* aux names a device agent (and, for iommu_mode and dma_map, an operand above it) */
};
static const struct kind_facts { const char *op; unsigned flags; uint32_t fixed_size; } KINDS[KIND_COUNT] = {
    [K_STORE] = { "store", F_CPU | F_ADDRESS | F_MUST_CARRY, 0 },
    [K_LOAD] = { "load", F_CPU | F_ADDRESS | F_MAY_CARRY, 0 },
    [K_BARRIER] = { "barrier", F_CPU | F_AUX, 0 },
    [K_MMIO_WRITE] = { "mmio_write", F_CPU | F_ADDRESS | F_MUST_CARRY | F_MMIO_STREAM, 0 },
    [K_MMIO_READ] = { "mmio_read", F_CPU | F_ADDRESS | F_MAY_CARRY | F_MMIO_STREAM, 0 },
    [K_CACHE_CLEAN] = { "cache_clean", F_CPU | F_ADDRESS, 0 },
    [K_CACHE_INVAL] = { "cache_inval", F_CPU | F_ADDRESS, 0 },
    [K_CACHE_FLUSH] = { "cache_flush", F_CPU | F_ADDRESS, 0 },
    [K_DEV_INVALIDATE] = { "dev_invalidate", F_CPU | F_ADDRESS | F_AUX | F_ENTRY_STREAM | F_DEVICE_AUX, 0 },
    [K_LOCK] = { "lock", F_CPU | F_AUX, 0 },
    [K_UNLOCK] = { "unlock", F_CPU | F_AUX, 0 },
    [K_TAKE_IRQ] = { "take_irq", F_CPU | F_AUX | F_DEVICE_AUX, 0 },
    [K_DMA_READ] = { "dma_read", F_ADDRESS | F_MAY_CARRY, 0 },
    [K_DMA_WRITE] = { "dma_write", F_ADDRESS | F_MUST_CARRY, 0 },
    [K_FETCH] = { "fetch", F_ADDRESS | F_AUX | F_MAY_CARRY | F_ENTRY_STREAM, 0 },
    [K_RAISE_IRQ] = { "raise_irq", 0, 0 },
    [K_STORE_RELEASE] = { "store_release", F_CPU | F_ADDRESS | F_MUST_CARRY, 0 },
    [K_LOAD_ACQUIRE] = { "load_acquire", F_CPU | F_ADDRESS | F_MAY_CARRY, 0 },
    [K_XCHG] = { "xchg", F_CPU | F_ADDRESS | F_MUST_CARRY, 0 },
    [K_IOMMU_MODE] = { "iommu_mode", F_CPU | F_AUX | F_DEVICE_AUX, 0 },
    [K_QUIESCE] = { "quiesce", F_CPU | F_AUX | F_DEVICE_AUX, 0 },
    [K_HANDOVER] = { "handover", F_CPU, 0 },
    [K_DMA_MAP] = { "dma_map", F_CPU | F_ADDRESS | F_AUX | F_DEVICE_AUX, 0 },
    [K_DMA_UNMAP] = { "dma_unmap", F_CPU | F_ADDRESS | F_AUX | F_DEVICE_AUX, 0 },
    /* x0..x17: no address, the size fixed by the kind, the bytes in the data column. */
    [K_FIRMWARE_CALL] = { "smc/hvc", F_CPU | F_AUX | F_MUST_CARRY, REGISTER_BYTES },
    [K_FIRMWARE_RETURN] = { "ret", F_CPU | F_AUX | F_MUST_CARRY, REGISTER_BYTES },
};
static int has(unsigned k, unsigned flag) { return (KINDS[k].flags & flag) != 0; }
static int stream_of(unsigned k) { return has(k, F_MMIO_STREAM) ? 1 : has(k, F_ENTRY_STREAM) ? 2 : 0; }
static int size_code(uint32_t size) { return size == 4 ? 1 : size == 8 ? 2 : size == 1 ? 3 : 0; }

/* ---- CRC-32C (Castagnoli), slice-by-8: once per chunk, so a table version is plenty ---- */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int s = 1; s < 8; s++) crc_table[s][i] = (crc_table[s - 1][i] >> 8) ^ crc_table[0][crc_table[s - 1][i] & 0xFF];
}
static uint32_t crc32c(const uint8_t *p, size_t n)
{
    pthread_once(&crc_once, crc_init);
    uint32_t c = 0xFFFFFFFFu;
    while (n >= 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^ crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24]
          ^ crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--) c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xFF];
    return c ^ 0xFFFFFFFFu;
}

/* ---- growable byte column ---- */
typedef struct col { uint8_t *p; size_t len, cap; } col;
static int col_room(col *c, size_t n)
{
    if (c->len + n <= c->cap) return 0;
    size_t cap = c->cap ? c->cap : 256;
    while (cap < c->len + n) cap *= 2;
    uint8_t *p = realloc(c->p, cap);
    if (!p) return -1;
    c->p = p;
    c->cap = cap;
    return 0;
}
static void put_u8(col *c, uint8_t b) { c->p[c->len++] = b; }
static void put_varint(col *c, uint64_t v)
{
    while (v >= 0x80) { c->p[c->len++] = (uint8_t)(v | 0x80); v >>= 7; }
    c->p[c->len++] = (uint8_t)v;
}
static void le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void le32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void le64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

/* ---- declarations ---- */
typedef struct agent { char *name; uint8_t device, coherent, iommu /* at the start: section 4 unless translate */; } agent;
/* One tt_add_used_rule, its arrays copied. */
typedef struct used_rule { tt_bits *bits; tt_condition *when; size_t n_bits, n_when; } used_rule;
typedef struct region {
    char *name;
    uint8_t kind;
    uint64_t base, size, entries;
    int device;
    uint32_t entry_size, granule, present_bit;
    used_rule *used; size_t n_used, cap_used; /* a table's used-bits rules in call order: section 1 when any */
} region;
typedef struct dyn_site { tt_site site; char *text; } dyn_site;

/* ---- LZ4 from the system library, looked up on demand ---- */
typedef int (*lz4_compress_fn)(const char *src, char *dst, int src_size, int dst_capacity);
typedef int (*lz4_bound_fn)(int size);

struct tt_trace {
    char *path, *name;
    uint8_t arch;
    enum tt_codec codec;
    uint32_t chunk_events;
    uint32_t cache_line;        /* metadata section 2 when not DEFAULT_CACHE_LINE */
    int values_not_recorded;    /* metadata section 3 when set */
    agent *agents; size_t n_agents, cap_agents;
    region *regions; size_t n_regions, cap_regions;
    char **locks; size_t n_locks, cap_locks;
    dyn_site **dyn; size_t n_dyn, cap_dyn; /* by address from tt_start on (own_site looks them up) */
    uint32_t site_count;
    const char **site_texts; /* by id, for the header */

    int started, finished, broken, fd;
    pthread_mutex_t mu;
    char error[512];
    uint64_t refused, unsited;
    uint64_t failures; /* every fail(), refusals included: failures - refused are the declarations' and the calls' */

    /* the chunk being built (docs/trace-format.md "Raw payload"), columns in payload order */
    col kinds, agent_ids, addr_lens, addrs, sizes, aux, sites, vlens, values, data, exts;
    uint32_t count, addresses, small_values; /* events in the chunk; of them, with an address; with 1..8 bytes */
    uint64_t *last_addr; /* agents × streams */
    int agent_width;
    uint64_t first_index, total, position;
    col index;           /* chunk index entries, 20 bytes each */
    uint32_t chunks;
    col out;             /* chunk header + stored bytes */
    col raw;
    lz4_compress_fn lz4_compress;
    lz4_bound_fn lz4_bound;
};

static int fail(tt_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(tt_trace *t, const char *fmt, ...)
{
    t->failures++;
    if (t->error[0] == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->error, sizeof t->error, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

#define GROW(arr, n, cap) \
    ((n) < (cap) ? 0 : grow_array((void **)&(arr), &(cap), sizeof *(arr)))
static int grow_array(void **arr, size_t *cap, size_t item)
{
    size_t c = *cap ? *cap * 2 : 8;
    void *p = realloc(*arr, c * item);
    if (!p) return -1;
    *arr = p;
    *cap = c;
    return 0;
}

tt_trace *tt_create(const char *path, enum tt_arch arch, const char *name)
{
    tt_trace *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->fd = -1;
    t->chunk_events = 4096;
    t->cache_line = DEFAULT_CACHE_LINE;
    t->codec = TT_CODEC_NONE;
    t->arch = (uint8_t)arch;
    t->path = dup_str(path ? path : "");
    t->name = dup_str(name ? name : "");
    pthread_mutex_init(&t->mu, NULL);
    if (!t->path || !t->name) { tt_free(t); return NULL; }
    if ((unsigned)arch > TT_ARCH_RISCV64) fail(t, "undefined arch %d", (int)arch);
    return t;
}

int tt_set_codec(tt_trace *t, enum tt_codec codec)
{
    if (t->started) return fail(t, "tt_set_codec after tt_start");
    if (codec != TT_CODEC_NONE && codec != TT_CODEC_LZ4) return fail(t, "undefined codec %d", (int)codec);
    t->codec = codec;
    return 0;
}

int tt_set_chunk_events(tt_trace *t, uint32_t events)
{
    if (t->started) return fail(t, "tt_set_chunk_events after tt_start");
    if (events < 1 || events > MAX_CHUNK_EVENTS) return fail(t, "chunk events %u outside 1..%d", events, MAX_CHUNK_EVENTS);
    t->chunk_events = events;
    return 0;
}

/* The messages of CacheLines.Problem. */
int tt_set_cache_line(tt_trace *t, uint32_t bytes)
{
    if (t->started) return fail(t, "tt_set_cache_line after tt_start");
    if (bytes < MIN_CACHE_LINE || bytes > MAX_CACHE_LINE)
        return fail(t, "cache line size %u is out of range: expected a power of two from %d to %d", bytes, MIN_CACHE_LINE, MAX_CACHE_LINE);
    if ((bytes & (bytes - 1)) != 0)
        return fail(t, "cache line size %u is not a power of two (expected %d, 32, 64, 128 ... %d)", bytes, MIN_CACHE_LINE, MAX_CACHE_LINE);
    t->cache_line = bytes;
    return 0;
}

int tt_set_memory_values_recorded(tt_trace *t, int recorded)
{
    if (t->started) return fail(t, "tt_set_memory_values_recorded after tt_start");
    t->values_not_recorded = !recorded;
    return 0;
}

static int add_agent(tt_trace *t, const char *name, int device, int coherent)
{
    if (t->started) return fail(t, "agent '%s' declared after tt_start", name);
    if (GROW(t->agents, t->n_agents, t->cap_agents)) return fail(t, "out of memory");
    char *n = dup_str(name);
    if (!n) return fail(t, "out of memory");
    t->agents[t->n_agents] = (agent){ n, (uint8_t)device, (uint8_t)(coherent != 0), TT_IOMMU_TRANSLATE };
    return (int)t->n_agents++;
}
int tt_add_cpu(tt_trace *t, const char *name) { return add_agent(t, name, 0, 1); }
int tt_add_device(tt_trace *t, const char *name, int coherent) { return add_agent(t, name, 1, coherent); }

/* The messages of MetadataRules.CheckAgent for the mode at the start (the agent not yet declared: the events' wording). */
int tt_set_iommu_at_start(tt_trace *t, int device, enum tt_iommu_treatment treatment)
{
    if (t->started) return fail(t, "tt_set_iommu_at_start after tt_start");
    if (device < 0 || (size_t)device >= t->n_agents)
        return fail(t, "IOMMU mode at the start of agent %d, but the trace declares %zu agents", device, t->n_agents);
    agent *a = &t->agents[device];
    if ((unsigned)treatment > TT_IOMMU_ABORT)
        return fail(t, "agent '%s' has undefined IOMMU mode %u at the start (0 translate, 1 bypass, 2 abort)", a->name, (unsigned)treatment);
    if (!a->device) return fail(t, "cpu '%s' is declared an IOMMU mode at the start (only devices DMA)", a->name);
    a->iommu = (uint8_t)treatment;
    return 0;
}

static int add_region(tt_trace *t, region r)
{
    if (t->started) return fail(t, "region '%s' declared after tt_start", r.name);
    if (GROW(t->regions, t->n_regions, t->cap_regions)) return fail(t, "out of memory");
    r.name = dup_str(r.name);
    if (!r.name) return fail(t, "out of memory");
    t->regions[t->n_regions] = r;
    return (int)t->n_regions++;
}
int tt_add_ram(tt_trace *t, const char *name, uint64_t base, uint64_t size)
{
    return add_region(t, (region){ .name = (char *)name, .kind = R_RAM, .base = base, .size = size, .device = -1 });
}
int tt_add_sync(tt_trace *t, const char *name, uint64_t base, uint64_t size)
{
    return add_region(t, (region){ .name = (char *)name, .kind = R_SYNC, .base = base, .size = size, .device = -1 });
}
int tt_add_mmio(tt_trace *t, const char *name, uint64_t base, uint64_t size, int device)
{
    return add_region(t, (region){ .name = (char *)name, .kind = R_MMIO, .base = base, .size = size, .device = device });
}
int tt_add_table(tt_trace *t, const char *name, uint64_t base, uint64_t entries, uint32_t entry_size,
                 uint32_t granule, uint32_t present_bit, int fetcher)
{
    /* size = entries × entry_size; an overflow is caught by tt_start's entries check. */
    return add_region(t, (region){ .name = (char *)name, .kind = R_TABLE, .base = base,
        .size = entries * (uint64_t)entry_size, .device = fetcher, .entries = entries,
        .entry_size = entry_size, .granule = granule, .present_bit = present_bit });
}

/* Run B of entry bits, or a condition's field (WHAT), outside an entry of ENTRY_BITS bits: the words of
 * UsedBits.OutOfEntry. */
static int out_of_entry(tt_trace *t, const region *r, const char *what, tt_bits b, uint64_t entry_bits)
{
    if (b.low > b.high) return fail(t, "table '%s': %s bits %u:%u run downwards (high bit first: { %u, %u })", r->name, what, b.high, b.low, b.low, b.high);
    if (b.high >= entry_bits)
        return fail(t, "table '%s': %s bits %u:%u lie outside the %u-byte entry", r->name, what, b.high, b.low, r->entry_size);
    return 0;
}

/* The messages of UsedBits.Check, for one rule at the call: everything the format limits is known by then (the
 * table's entry size, its rules so far), so a bad rule is refused where it is written, and nothing of it kept. */
int tt_add_used_rule(tt_trace *t, int table, const tt_bits *bits, size_t n_bits, const tt_condition *when,
                     size_t n_when)
{
    static const char *const kinds[] = { "ram", "sync", "mmio", "table" };
    if (t->started) return fail(t, "tt_add_used_rule after tt_start");
    if (table < 0 || (size_t)table >= t->n_regions)
        return fail(t, "used bits of region %d, but the trace declares %zu regions", table, t->n_regions);
    region *r = &t->regions[table];
    if (r->kind != R_TABLE) return fail(t, "used bits of %s region '%s', which is not a table", kinds[r->kind], r->name);
    if (r->n_used >= MAX_USED_RULES) return fail(t, "table '%s' has %zu used rules (at most %d)", r->name, r->n_used + 1, MAX_USED_RULES);
    if (n_bits == 0) return fail(t, "table '%s' has a used rule without bits", r->name);
    if (n_bits > MAX_USED_PER_RULE || n_when > MAX_USED_PER_RULE)
        return fail(t, "table '%s' has a used rule of %zu bit runs and %zu conditions (at most %d each)", r->name, n_bits, n_when, MAX_USED_PER_RULE);
    if (!bits || (n_when && !when)) return fail(t, "table '%s': a used rule's %s array is NULL", r->name, bits ? "conditions" : "bits");
    uint64_t entry_bits = 8 * (uint64_t)r->entry_size;
    for (size_t i = 0; i < n_bits; i++)
        if (out_of_entry(t, r, "used", bits[i], entry_bits)) return -1;
    for (size_t i = 0; i < n_when; i++) {
        tt_condition c = when[i];
        if (out_of_entry(t, r, "condition on", c.field, entry_bits)) return -1;
        uint32_t width = c.field.high - c.field.low + 1;
        if (width > MAX_CONDITION_BITS)
            return fail(t, "table '%s': condition on bits %u:%u, wider than 64 bits", r->name, c.field.high, c.field.low);
        uint64_t all = width == 64 ? UINT64_MAX : (UINT64_C(1) << width) - 1;
        if ((c.mask & ~all) != 0 || (c.value & ~c.mask) != 0)
            return fail(t, "table '%s': condition on bits %u:%u compares 0x%llx under mask 0x%llx, which do not fit the field",
                        r->name, c.field.high, c.field.low, (unsigned long long)c.value, (unsigned long long)c.mask);
    }
    if (GROW(r->used, r->n_used, r->cap_used)) return fail(t, "out of memory");
    used_rule u = { malloc(n_bits * sizeof *bits), n_when ? malloc(n_when * sizeof *when) : NULL, n_bits, n_when };
    if (!u.bits || (n_when && !u.when)) { free(u.bits); free(u.when); return fail(t, "out of memory"); }
    memcpy(u.bits, bits, n_bits * sizeof *bits);
    if (n_when) memcpy(u.when, when, n_when * sizeof *when);
    r->used[r->n_used++] = u;
    return 0;
}

int tt_add_lock(tt_trace *t, const char *name)
{
    if (t->started) return fail(t, "lock '%s' declared after tt_start", name);
    if (GROW(t->locks, t->n_locks, t->cap_locks)) return fail(t, "out of memory");
    char *n = dup_str(name);
    if (!n) return fail(t, "out of memory");
    t->locks[t->n_locks] = n;
    return (int)t->n_locks++;
}

/* The length of the UTF-8 character at P, negative for an ill-formed sequence: then the length of its maximal
 * subpart (one U+FFFD each, as .NET's decoder and the Unicode standard replace them). P is NUL-terminated. */
static int utf8_length(const uint8_t *p, uint32_t *c)
{
    uint8_t b = p[0], lo = 0x80, hi = 0xBF;
    int n;
    if (b < 0x80) { *c = b; return 1; }
    if (b >= 0xC2 && b <= 0xDF) n = 1;
    else if (b >= 0xE0 && b <= 0xEF) { n = 2; if (b == 0xE0) lo = 0xA0; else if (b == 0xED) hi = 0x9F; }
    else if (b >= 0xF0 && b <= 0xF4) { n = 3; if (b == 0xF0) lo = 0x90; else if (b == 0xF4) hi = 0x8F; }
    else return -1;
    uint32_t v = b & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
    for (int i = 1; i <= n; i++) {
        if (p[i] < lo || p[i] > hi) return -i; /* the NUL ends a truncated sequence here too */
        v = v << 6 | (p[i] & 0x3F);
        lo = 0x80, hi = 0xBF;
    }
    *c = v;
    return n + 1;
}

/* A run-time site as the importers keep one (docs/recording.md, "Sites"): invalid UTF-8 as U+FFFD, cut at the
 * last whole character within 4096 bytes, then control characters (U+0000..U+001F, U+007F..U+009F) as '?'.
 * The cut counts the text as decoded, before the replacement, as the importers do (a 2-byte C1 control counts
 * 2 though it becomes 1 byte), so that one site keeps the same text recorded either way.
 * A site the header cannot hold would otherwise fail tt_start and lose the whole recording. */
static char *sanitized_site(const char *text)
{
    size_t len = strlen(text), cap = len > MAX_STRING / 3 ? MAX_STRING : 3 * len; /* U+FFFD is 3 bytes for 1 */
    char *out = malloc(cap + 1);
    if (!out) return NULL;
    size_t o = 0, decoded = 0; /* bytes written; UTF-8 bytes of the decoded text so far, which the cut counts */
    for (const uint8_t *p = (const uint8_t *)text; *p;) {
        uint32_t c = 0;
        int n = utf8_length(p, &c);
        const char *bytes = (const char *)p;
        size_t m = (size_t)n;
        if (n < 0) bytes = "\xEF\xBF\xBD", m = 3;
        if (decoded + m > MAX_STRING) break;
        decoded += m;
        if (n > 0 && (c < 0x20 || (c >= 0x7F && c <= 0x9F))) bytes = "?", m = 1;
        memcpy(out + o, bytes, m);
        o += m;
        p += n < 0 ? -n : n;
    }
    out[o] = 0;
    return out;
}

const tt_site *tt_add_site(tt_trace *t, const char *text)
{
    if (t->started) { fail(t, "site '%.60s' declared after tt_start", text); return NULL; }
    if (GROW(t->dyn, t->n_dyn, t->cap_dyn)) { fail(t, "out of memory"); return NULL; }
    dyn_site *d = calloc(1, sizeof *d);
    if (!d || !(d->text = sanitized_site(text))) { free(d); fail(t, "out of memory"); return NULL; }
    d->site.u.text = d->text;
    d->site.magic = TT_SITE_MAGIC;
    t->dyn[t->n_dyn++] = d;
    return &d->site;
}

/* ---- the sites of the program: every TT_HERE, from the tt_sites section, numbered once ---- */
extern tt_site __start_tt_sites[] __attribute__((weak));
extern tt_site __stop_tt_sites[] __attribute__((weak));

static const char **g_sites;   /* unique texts, sorted: site id = position */
static uint32_t g_site_count;
static int g_sites_failed;
static pthread_once_t g_sites_once = PTHREAD_ONCE_INIT;

static int cmp_text(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }
static int cmp_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
    return (x > y) - (x < y);
}
static int cmp_site_ptr(const void *a, const void *b)
{
    return strcmp((*(tt_site *const *)a)->u.text, (*(tt_site *const *)b)->u.text);
}

static void number_program_sites(void)
{
    size_t n = 0;
    if (__start_tt_sites && __stop_tt_sites)
        for (tt_site *s = __start_tt_sites; s < __stop_tt_sites; s++) n += s->magic == TT_SITE_MAGIC;
    if (n == 0) return;
    tt_site **all = malloc(n * sizeof *all);
    g_sites = malloc(n * sizeof *g_sites);
    if (!all || !g_sites) { free(all); g_sites_failed = 1; return; }
    size_t k = 0;
    for (tt_site *s = __start_tt_sites; s < __stop_tt_sites; s++)
        if (s->magic == TT_SITE_MAGIC) all[k++] = s;
    /* Sorted by text: the numbering does not depend on link order, and equal texts (two TT_HERE on
     * one line, or one header included twice) share an id. */
    qsort(all, n, sizeof *all, cmp_site_ptr);
    for (size_t i = 0; i < n; i++) {
        if (g_site_count == 0 || strcmp(g_sites[g_site_count - 1], all[i]->u.text) != 0)
            g_sites[g_site_count++] = all[i]->u.text;
        all[i]->id = g_site_count;
    }
    free(all);
}

/* ---- metadata checks (MetadataRules.cs) ---- */
static int is_name(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_' || (*s >= '0' && *s <= '9') || *s == '.'))
            return 0;
    return 1;
}

/* Valid UTF-8 without control characters (U+0000..U+001F, U+007F..U+009F), at most 4096 bytes. */
static const char *text_problem(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    if (strlen(s) > MAX_STRING) return "is longer than 4096 bytes";
    while (*p) {
        uint32_t c = *p;
        int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0) return "is not valid UTF-8";
        c &= n == 0 ? 0x7F : n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) return "is not valid UTF-8";
            c = c << 6 | (p[i] & 0x3F);
        }
        if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
            return "is not valid UTF-8";
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return "holds a control character";
        p += n + 1;
    }
    return NULL;
}

/* TEXT for an error message: at most 60 bytes, control characters as '?'. */
static const char *printable(const char *text, char out[64])
{
    size_t i = 0;
    for (; text[i] && i < 60; i++) out[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7F ? '?' : text[i];
    out[i] = 0;
    return out;
}

static int is_device(const tt_trace *t, int id) { return id >= 0 && (size_t)id < t->n_agents && t->agents[id].device; }

static int check_region(tt_trace *t, const region *r)
{
    static const char *const kinds[] = { "ram", "sync", "mmio", "table" };
    if (!is_name(r->name)) return fail(t, "region name '%.60s' is not a scenario name ([A-Za-z_][A-Za-z0-9_.]*)", r->name);
    if (r->kind == R_TABLE) {
        if (!is_device(t, r->device)) return fail(t, "table '%s' names fetcher %d, which is not a device", r->name, r->device);
        if (r->entry_size == 0 || r->entry_size > MAX_SIZE) return fail(t, "table '%s' has entry_size %u (1..4096)", r->name, r->entry_size);
        if (r->granule == 0 || r->entry_size % r->granule != 0)
            return fail(t, "table '%s' has granule %u, which does not divide entry_size %u", r->name, r->granule, r->entry_size);
        if (r->entries == 0 || r->entries > UINT64_MAX / r->entry_size)
            return fail(t, "table '%s' has %llu entries of %u bytes", r->name, (unsigned long long)r->entries, r->entry_size);
        if (r->present_bit >= 8u * r->entry_size)
            return fail(t, "table '%s' has present bit %u outside its %u-byte entry", r->name, r->present_bit, r->entry_size);
    }
    if (r->size == 0) return fail(t, "region '%s' has size 0", r->name);
    if (r->size > UINT64_MAX - r->base) return fail(t, "region '%s' ends past 2^64-1", r->name);
    if (r->kind == R_MMIO && !is_device(t, r->device))
        return fail(t, "%s region '%s' names agent %d, which is not a device", kinds[r->kind], r->name, r->device);
    return 0;
}

static int cmp_region_base(const void *a, const void *b)
{
    const region *x = *(const region *const *)a, *y = *(const region *const *)b;
    return x->base < y->base ? -1 : x->base > y->base;
}

/* A name declared twice in LIST (n names), or NULL. */
static const char *duplicate(const char **list, size_t n)
{
    if (n < 2) return NULL;
    const char **sorted = malloc(n * sizeof *sorted);
    if (!sorted) return NULL;
    memcpy(sorted, list, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_text);
    const char *dup = NULL;
    for (size_t i = 1; i < n && !dup; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0) dup = sorted[i];
    free(sorted);
    return dup;
}

static int check_declarations(tt_trace *t)
{
    /* A declaration already failed. A refused event (one recorded before tt_start, say by a device model's thread
     * already running) does not count: like any refused event it fails tt_finish, not the whole recording. */
    if (t->failures > t->refused) return -1;
    const char *p;
    char shown[64];
    if ((p = text_problem(t->name))) return fail(t, "scenario name '%s' %s", printable(t->name, shown), p);
    if (t->n_agents > MAX_AGENTS) return fail(t, "%zu agents (at most %d)", t->n_agents, MAX_AGENTS);
    if (t->n_regions > MAX_REGIONS) return fail(t, "%zu regions (at most %d)", t->n_regions, MAX_REGIONS);
    if (t->n_locks > MAX_LOCKS) return fail(t, "%zu locks (at most %d)", t->n_locks, MAX_LOCKS);
    size_t most = t->n_agents > t->n_regions ? t->n_agents : t->n_regions;
    if (t->n_locks > most) most = t->n_locks;
    const char **names = malloc((most ? most : 1) * sizeof *names);
    const region **order = malloc((t->n_regions ? t->n_regions : 1) * sizeof *order);
    if (!names || !order) { free(names); free(order); return fail(t, "out of memory"); }
    int rc = 0;
    for (size_t i = 0; i < t->n_agents && rc == 0; i++) {
        names[i] = t->agents[i].name;
        if (strlen(names[i]) > MAX_STRING || !is_name(names[i]))
            rc = fail(t, "agent name '%.60s' is not a scenario name ([A-Za-z_][A-Za-z0-9_.]*)", names[i]);
    }
    if (rc == 0 && (p = duplicate(names, t->n_agents))) rc = fail(t, "agent '%s' is declared twice", p);
    for (size_t i = 0; i < t->n_regions && rc == 0; i++) {
        names[i] = t->regions[i].name;
        order[i] = &t->regions[i];
        if (strlen(names[i]) > MAX_STRING) rc = fail(t, "region name longer than 4096 bytes");
        else rc = check_region(t, &t->regions[i]);
    }
    if (rc == 0 && t->n_regions > 1) {
        qsort(order, t->n_regions, sizeof *order, cmp_region_base);
        for (size_t i = 1; i < t->n_regions && rc == 0; i++)
            if (order[i]->base < order[i - 1]->base + order[i - 1]->size)
                rc = fail(t, "regions '%s' and '%s' overlap", order[i - 1]->name, order[i]->name);
    }
    if (rc == 0 && (p = duplicate(names, t->n_regions))) rc = fail(t, "region '%s' is declared twice", p);
    for (size_t i = 0; i < t->n_locks && rc == 0; i++) {
        names[i] = t->locks[i];
        if (strlen(names[i]) > MAX_STRING || !is_name(names[i]))
            rc = fail(t, "lock name '%.60s' is not a scenario name ([A-Za-z_][A-Za-z0-9_.]*)", names[i]);
    }
    if (rc == 0 && (p = duplicate(names, t->n_locks))) rc = fail(t, "lock '%s' is declared twice", p);
    free(names);
    free(order);
    return rc;
}

/* Numbers the trace's sites: the program's (shared by every trace of the process), then tt_add_site's. */
static int number_sites(tt_trace *t)
{
    pthread_once(&g_sites_once, number_program_sites);
    if (g_sites_failed) return fail(t, "out of memory");
    for (uint32_t i = 0; i < g_site_count; i++) {
        const char *p = text_problem(g_sites[i]);
        char shown[64];
        if (p) return fail(t, "site '%s' %s", printable(g_sites[i], shown), p);
    }
    size_t total = g_site_count + t->n_dyn;
    if (total > MAX_SITES) return fail(t, "%zu sites (at most %d)", total, MAX_SITES);
    t->site_texts = malloc((total ? total : 1) * sizeof *t->site_texts);
    if (!t->site_texts) return fail(t, "out of memory");
    if (g_site_count) memcpy(t->site_texts, g_sites, g_site_count * sizeof *g_sites); /* g_sites is NULL without TT_HERE */
    t->site_count = g_site_count;
    for (size_t i = 0; i < t->n_dyn; i++) {
        dyn_site *d = t->dyn[i]; /* tt_add_site sanitised its text: nothing to check */
        const char **hit = g_site_count ? bsearch(&d->text, g_sites, g_site_count, sizeof *g_sites, cmp_text) : NULL;
        uint32_t id = hit ? (uint32_t)(hit - g_sites) : UINT32_MAX;
        for (size_t j = 0; j < i && id == UINT32_MAX; j++)
            if (strcmp(t->dyn[j]->text, d->text) == 0) id = t->dyn[j]->site.id - 1;
        if (id == UINT32_MAX) { id = t->site_count++; t->site_texts[id] = d->text; }
        d->site.id = id + 1;
    }
    /* Not qsort(NULL, 0, ...) without tt_add_site: glibc declares its base nonnull (UBSan aborts tt_start). */
    if (t->n_dyn > 1) qsort(t->dyn, t->n_dyn, sizeof *t->dyn, cmp_address);
    return 0;
}

/* Whether SITE is numbered in T: one of the program's (every trace has them) or one of T's tt_add_site. An id
 * alone does not tell: another trace's tt_add_site may carry an id T gives its own site. */
static int own_site(const tt_trace *t, const tt_site *site)
{
    if (site->id == 0) return 0;
    uintptr_t p = (uintptr_t)site;
    if (__start_tt_sites && p >= (uintptr_t)__start_tt_sites && p < (uintptr_t)__stop_tt_sites) return site->id <= g_site_count;
    /* dyn_site starts with its tt_site: the site's address is its dyn_site's. */
    return t->n_dyn && bsearch(&site, t->dyn, t->n_dyn, sizeof *t->dyn, cmp_address) != NULL;
}

/* ---- writing ---- */
static int write_all(tt_trace *t, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(t->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            t->broken = 1;
            return fail(t, "%s: write failed: %s", t->path, strerror(errno));
        }
        p += w;
        n -= (size_t)w;
        t->position += (uint64_t)w;
    }
    return 0;
}

static int put_string(col *c, const char *s)
{
    size_t n = strlen(s);
    if (col_room(c, 10 + n)) return -1;
    put_varint(c, n);
    memcpy(c->p + c->len, s, n);
    c->len += n;
    return 0;
}

/* One v3 metadata section: u16 tag, u32 body length, the body. */
static int put_section(col *m, uint16_t tag, const uint8_t *body, uint32_t len)
{
    if (col_room(m, 6 + (size_t)len)) return -1;
    le16(m->p + m->len, tag);
    le32(m->p + m->len + 2, len);
    if (len) memcpy(m->p + m->len + 6, body, len);
    m->len += 6 + (size_t)len;
    return 0;
}

/* Section 4 (MetadataCodec.IommuModes.cs) when some device does not start translated: varint n, then per such
 * device its agent id (varint, rising) and its mode (one byte, 1 bypass or 2 abort). Translate is never listed. */
static int encode_iommu_at_start(const tt_trace *t, col *m)
{
    col body = { 0 };
    size_t n = 0;
    for (size_t i = 0; i < t->n_agents; i++) n += t->agents[i].iommu != TT_IOMMU_TRANSLATE;
    if (n == 0) return 0;
    if (col_room(&body, 10 + 11 * n)) return -1;
    put_varint(&body, n);
    for (size_t i = 0; i < t->n_agents; i++) {
        if (t->agents[i].iommu == TT_IOMMU_TRANSLATE) continue;
        put_varint(&body, i);
        put_u8(&body, t->agents[i].iommu);
    }
    int rc = put_section(m, TAG_IOMMU_AT_START, body.p, (uint32_t)body.len);
    free(body.p);
    return rc;
}

/* Section 1 (MetadataCodec.UsedBits.cs) when some table has used-bits rules: varint n tables; per table, in rising
 * region index whatever order the rules were added in, its index and rule count; per rule its run count and each
 * run's low then high bit, its condition count and each condition's low bit, high bit, mask and value. */
static int encode_used_bits(const tt_trace *t, col *m)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_regions; i++) n += t->regions[i].n_used != 0;
    if (n == 0) return 0;
    col body = { 0 };
    int rc = col_room(&body, 10);
    if (rc == 0) put_varint(&body, n);
    for (size_t i = 0; i < t->n_regions && rc == 0 && body.len <= MAX_METADATA; i++) {
        const region *r = &t->regions[i];
        if (r->n_used == 0) continue;
        if ((rc = col_room(&body, 20))) break;
        put_varint(&body, i);
        put_varint(&body, r->n_used);
        /* Past the metadata's limit tt_start refuses the header anyway (its message gives the bytes up to where
         * this stopped as a lower bound): stop there, so that body.len stays far inside a u32. */
        for (size_t k = 0; k < r->n_used && rc == 0 && body.len <= MAX_METADATA; k++) {
            const used_rule *u = &r->used[k];
            if ((rc = col_room(&body, 20 + 10 * u->n_bits + 40 * u->n_when))) break;
            put_varint(&body, u->n_bits);
            for (size_t j = 0; j < u->n_bits; j++) { put_varint(&body, u->bits[j].low); put_varint(&body, u->bits[j].high); }
            put_varint(&body, u->n_when);
            for (size_t j = 0; j < u->n_when; j++) {
                const tt_condition *c = &u->when[j];
                put_varint(&body, c->field.low);
                put_varint(&body, c->field.high);
                put_varint(&body, c->mask);
                put_varint(&body, c->value);
            }
        }
    }
    if (rc == 0) rc = put_section(m, TAG_USED_BITS, body.p, (uint32_t)body.len);
    free(body.p);
    return rc;
}

/* The sections the trace has, in increasing tag order, then the end tag. Each is written only when it says
 * something (as MetadataCodec.EncodeSections), so a trace that declares nothing has just the end tag. */
static int encode_sections(const tt_trace *t, col *m)
{
    if (encode_used_bits(t, m)) return -1;
    if (t->cache_line != DEFAULT_CACHE_LINE) {
        uint8_t body[4];
        le32(body, t->cache_line);
        if (put_section(m, TAG_CACHE_LINE, body, sizeof body)) return -1;
    }
    if (t->values_not_recorded && put_section(m, TAG_VALUES_NOT_RECORDED, NULL, 0)) return -1;
    if (encode_iommu_at_start(t, m)) return -1;
    if (col_room(m, 2)) return -1;
    le16(m->p + m->len, TAG_END);
    m->len += 2;
    return 0;
}

static int encode_metadata(tt_trace *t, col *m)
{
    if (col_room(m, 1)) return -1;
    put_u8(m, t->arch);
    if (put_string(m, t->name) || col_room(m, 10)) return -1;
    put_varint(m, t->n_agents);
    for (size_t i = 0; i < t->n_agents; i++) {
        if (put_string(m, t->agents[i].name) || col_room(m, 2)) return -1;
        put_u8(m, t->agents[i].device);
        put_u8(m, t->agents[i].device ? t->agents[i].coherent : 1);
    }
    if (col_room(m, 10)) return -1;
    put_varint(m, t->n_regions);
    for (size_t i = 0; i < t->n_regions; i++) {
        const region *r = &t->regions[i];
        if (put_string(m, r->name) || col_room(m, 1 + 7 * 10)) return -1;
        put_u8(m, r->kind);
        put_varint(m, r->base);
        put_varint(m, r->size);
        put_varint(m, r->kind == R_MMIO || r->kind == R_TABLE ? (uint64_t)r->device + 1 : 0);
        if (r->kind == R_TABLE) {
            put_varint(m, r->entries);
            put_varint(m, r->entry_size);
            put_varint(m, r->granule);
            put_varint(m, r->present_bit);
        }
    }
    if (col_room(m, 10)) return -1;
    put_varint(m, t->n_locks);
    for (size_t i = 0; i < t->n_locks; i++)
        if (put_string(m, t->locks[i])) return -1;
    if (col_room(m, 10)) return -1;
    put_varint(m, t->site_count);
    for (uint32_t i = 0; i < t->site_count; i++)
        if (put_string(m, t->site_texts[i])) return -1;
    return encode_sections(t, m);
}

static int load_lz4(tt_trace *t)
{
#ifdef TT_NO_LZ4
    return fail(t, "LZ4 was compiled out (TT_NO_LZ4)");
#else
    void *h = dlopen("liblz4.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) return fail(t, "codec lz4 needs liblz4.so.1 (Debian: apt-get install liblz4-1): %s", dlerror());
    /* POSIX allows this conversion of dlsym's object pointer to a function pointer. */
    *(void **)&t->lz4_compress = dlsym(h, "LZ4_compress_default");
    *(void **)&t->lz4_bound = dlsym(h, "LZ4_compressBound");
    if (!t->lz4_compress || !t->lz4_bound) return fail(t, "liblz4.so.1 lacks LZ4_compress_default or LZ4_compressBound");
    return 0;
#endif
}

int tt_start(tt_trace *t)
{
    if (t->started) return fail(t, "tt_start called twice");
    if (check_declarations(t) || number_sites(t)) return -1;
    if (t->codec == TT_CODEC_LZ4 && load_lz4(t)) return -1;
    col m = { 0 };
    if (encode_metadata(t, &m)) { free(m.p); return fail(t, "out of memory"); }
    /* The used bits' encoding stops once past the limit, so the size is a bound, not the whole. */
    if (m.len > MAX_METADATA) { free(m.p); return fail(t, "metadata of at least %zu bytes (at most %d)", m.len, MAX_METADATA); }
    t->agent_width = t->n_agents <= 256 ? 1 : 2;
    t->last_addr = calloc((t->n_agents ? t->n_agents : 1) * STREAMS, sizeof *t->last_addr);
    if (!t->last_addr) { free(m.p); return fail(t, "out of memory"); }
    t->fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (t->fd < 0) { free(m.p); return fail(t, "%s: cannot create: %s", t->path, strerror(errno)); }
    uint8_t h[FILE_HEADER];
    memcpy(h, FILE_MAGIC, 8);
    le16(h + 8, FORMAT_VERSION);
    le16(h + 10, 0);
    le32(h + 12, (uint32_t)m.len);
    le32(h + 16, crc32c(m.p, m.len));
    int rc = write_all(t, h, sizeof h) || write_all(t, m.p, m.len) ? -1 : 0;
    free(m.p);
    if (rc == 0) t->started = 1;
    return rc;
}

static size_t raw_length(const tt_trace *t)
{
    return COLUMN_TABLE + (size_t)t->count * (1 + (size_t)t->agent_width) + t->addr_lens.len + t->addrs.len + t->sizes.len
         + t->aux.len + t->sites.len + t->vlens.len + t->values.len + t->data.len + t->exts.len;
}

/* Writes the chunk being built (caller holds the mutex). */
static int flush_chunk(tt_trace *t)
{
    if (t->count == 0) return 0;
    size_t raw_len = raw_length(t);
    t->raw.len = 0;
    if (col_room(&t->raw, raw_len)) return fail(t, "out of memory");
    uint8_t *r = t->raw.p;
    /* The column table holds the lengths of the nine columns after kinds and agents, in payload order. */
    col *cols[] = { &t->kinds, &t->agent_ids, &t->addr_lens, &t->addrs, &t->sizes, &t->aux, &t->sites, &t->vlens,
                    &t->values, &t->data, &t->exts };
    enum { NCOLS = sizeof cols / sizeof *cols };
    for (int i = 2; i < NCOLS; i++) le32(r + 4 * (i - 2), (uint32_t)cols[i]->len);
    size_t p = COLUMN_TABLE;
    for (int i = 0; i < NCOLS; i++) { if (cols[i]->len) memcpy(r + p, cols[i]->p, cols[i]->len); p += cols[i]->len; }

    size_t bound = t->codec == TT_CODEC_LZ4 ? (size_t)t->lz4_bound((int)raw_len) : raw_len;
    if (bound < raw_len) bound = raw_len;
    t->out.len = 0;
    if (col_room(&t->out, CHUNK_HEADER + bound)) return fail(t, "out of memory");
    uint8_t *h = t->out.p, *stored = h + CHUNK_HEADER;
    size_t stored_len = raw_len;
    uint8_t codec = TT_CODEC_NONE;
    if (t->codec == TT_CODEC_LZ4) {
        int n = t->lz4_compress((const char *)r, (char *)stored, (int)raw_len, (int)bound);
        /* Incompressible: stored as is, the codec byte says so per chunk. */
        if (n > 0 && (size_t)n < raw_len) { stored_len = (size_t)n; codec = TT_CODEC_LZ4; }
    }
    if (codec == TT_CODEC_NONE) memcpy(stored, r, raw_len);
    le32(h, CHUNK_MAGIC);
    le32(h + 4, t->count);
    le64(h + 8, t->first_index);
    le32(h + 16, (uint32_t)raw_len);
    le32(h + 20, (uint32_t)stored_len);
    h[24] = codec;
    h[25] = h[26] = h[27] = 0;
    le32(h + 28, crc32c(stored, stored_len));
    le32(h + 32, crc32c(h, 32));

    if (col_room(&t->index, INDEX_ENTRY)) return fail(t, "out of memory");
    uint8_t *e = t->index.p + t->index.len;
    le64(e, t->position);
    le64(e + 8, t->first_index);
    le32(e + 16, t->count);
    /* Header and stored bytes in one write: a kill leaves the chunk whole or cut (read as truncated). */
    if (write_all(t, h, CHUNK_HEADER + stored_len)) return -1;
    t->index.len += INDEX_ENTRY;
    t->chunks++;
    t->first_index += t->count;
    t->count = t->addresses = t->small_values = 0;
    for (int i = 0; i < NCOLS; i++) cols[i]->len = 0;
    memset(t->last_addr, 0, (t->n_agents ? t->n_agents : 1) * STREAMS * sizeof *t->last_addr);
    return 0;
}

/* Room for one more event in every column (caller holds the mutex). */
static int reserve_event(tt_trace *t, uint32_t nbytes)
{
    return col_room(&t->kinds, 1) || col_room(&t->agent_ids, 2) || col_room(&t->addr_lens, 1) || col_room(&t->addrs, 8)
        || col_room(&t->sizes, 10) || col_room(&t->aux, 10) || col_room(&t->sites, 10) || col_room(&t->vlens, 1)
        || col_room(&t->values, 8) || col_room(&t->data, nbytes > 8 ? nbytes : 0) || col_room(&t->exts, 1);
}

static int barrier_valid(uint8_t arch, uint32_t code)
{
    if (code <= 9) return 1; /* compiler barrier and the Linux kinds: every arch */
    switch (arch) {
    case TT_ARCH_ARM64: return (code >= 0x10 && code <= 0x18) || (code >= 0x20 && code <= 0x28);
    case TT_ARCH_X86_64: return code >= 0x30 && code <= 0x32;
    case TT_ARCH_RISCV64: return (code & 0xFF00) == 0x100 && (code & 0xF0) != 0 && (code & 0xF) != 0;
    default: return 0;
    }
}

static int refuse(tt_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(tt_trace *t, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&t->mu);
    fail(t, "event %llu refused: %s", (unsigned long long)t->total, msg);
    t->refused++;
    pthread_mutex_unlock(&t->mu);
    return -1;
}

/* One event as a tt_* call gives it, before its aux is packed. */
typedef struct event {
    unsigned kind;
    int agent;
    uint64_t addr;
    uint32_t size;
    uint32_t aux;      /* barrier code, lock, granule or conduit (kinds whose aux names no device) */
    int device;        /* the device agent named by take_irq, dev_invalidate, iommu_mode, quiesce, dma_map, dma_unmap */
    uint32_t operand;  /* iommu_mode's treatment, dma_map's direction: written above the device (aux bits 16..) */
    const void *bytes; /* NULL: none */
    const tt_site *site;
} event;

/* The event's size: fixed by its kind for firmware registers (144), else the size the call gave. */
static uint32_t event_size(const event *e)
{
    return KINDS[e->kind].fixed_size ? KINDS[e->kind].fixed_size : e->size;
}

/* The aux operand as the format spells it: device | operand << 16 for the kinds naming a device (EventOperands.Pack;
 * check_event has made sure the device is one, so it fits in 16 bits, and the operand is 0..2). */
static uint32_t packed_aux(const event *e)
{
    return has(e->kind, F_DEVICE_AUX) ? (uint32_t)e->device | e->operand << 16 : e->aux;
}

static const char *arch_name(uint8_t arch)
{
    static const char *const names[] = { "sc", "x86_64", "arm64", "riscv64" };
    return arch < 4 ? names[arch] : "?";
}

/* The aux checks of EventRules.CheckAux, on the operands before packing. */
static int check_aux(tt_trace *t, const event *e)
{
    const char *op = KINDS[e->kind].op;
    switch (e->kind) {
    case K_BARRIER:
        if (!barrier_valid(t->arch, e->aux)) return refuse(t, "barrier code 0x%x is not a barrier of this arch", e->aux);
        break;
    case K_LOCK: case K_UNLOCK:
        if (e->aux >= t->n_locks) return refuse(t, "%s of lock %u, but the trace declares %zu locks", op, e->aux, t->n_locks);
        break;
    case K_IOMMU_MODE:
        if (e->operand > TT_IOMMU_ABORT) return refuse(t, "iommu_mode with treatment %u (0 translate, 1 bypass, 2 abort)", e->operand);
        break;
    case K_DMA_MAP:
        if (e->operand > TT_DMA_FROM_DEVICE)
            return refuse(t, "dma_map with direction %u (0 bidirectional, 1 to_device, 2 from_device)", e->operand);
        break;
    case K_FIRMWARE_CALL: case K_FIRMWARE_RETURN:
        if (e->aux > TT_CONDUIT_HVC) return refuse(t, "%s with conduit %u (0 smc, 1 hvc)", op, e->aux);
        /* Stricter than TraceWriter, which writes them in any arch: the replay refuses a firmware event outside
         * arm64 (model.md §12) and with it the whole trace, so it is refused here, where it costs one event. */
        if (t->arch != TT_ARCH_ARM64)
            return refuse(t, "%s in a trace of arch %s: smc/hvc firmware calls are arm64 instructions", op, arch_name(t->arch));
        break;
    default:
        break;
    }
    if (has(e->kind, F_DEVICE_AUX) && !is_device(t, e->device)) return refuse(t, "%s names agent %d, which is not a device", op, e->device);
    return 0;
}

/* The checks of EventRules.cs; metadata is read-only after tt_start, so they run outside the mutex. */
static int check_event(tt_trace *t, const event *e)
{
    unsigned k = e->kind;
    const char *op = KINDS[k].op;
    if (!t->started) return refuse(t, "%s before tt_start", op);
    if (e->agent < 0 || (size_t)e->agent >= t->n_agents)
        return refuse(t, "%s by agent %d, but the trace declares %zu agents", op, e->agent, t->n_agents);
    const agent *a = &t->agents[e->agent];
    if (has(k, F_CPU) == a->device) return refuse(t, "%s by agent %d (%s), which is %s", op, e->agent, a->name, a->device ? "a device" : "a cpu");
    if (has(k, F_ADDRESS) && !(k == K_DEV_INVALIDATE && e->size == 0 && e->addr == 0) && (e->size < 1 || e->size > MAX_SIZE))
        return refuse(t, "%s of size %u (1..4096)", op, e->size);
    if (check_aux(t, e)) return -1;
    if (has(k, F_MUST_CARRY) && !e->bytes) return refuse(t, "%s without its bytes", op);
    if (e->bytes && !has(k, F_MUST_CARRY | F_MAY_CARRY)) return refuse(t, "%s carrying bytes", op);
    if (e->site && e->site->magic != TT_SITE_MAGIC) return refuse(t, "%s with a site pointer that is not a tt_site", op);
    return 0;
}

/* Appends V as its significant bytes (docs/trace-format.md): a 4-bit count in LENS, two per byte, low nibble
 * first, and the low count bytes of V in BYTES. *N counts the values of the pair in this chunk. Used for 1..8-byte
 * values (the L/V pair) and, since v2, for address deltas (the AL/A pair). */
static void put_significant(col *lens, col *bytes, uint32_t *n, uint64_t v)
{
    int count = 0;
    while (count < 8 && (v >> (8 * count)) != 0) count++;
    if ((*n & 1) == 0) put_u8(lens, (uint8_t)count);
    else lens->p[lens->len - 1] |= (uint8_t)(count << 4);
    (*n)++;
    for (int i = 0; i < count; i++) put_u8(bytes, (uint8_t)(v >> (8 * i)));
}

/* The event's columns (caller holds the mutex and has reserved room). */
static void put_event(tt_trace *t, const event *e)
{
    unsigned k = e->kind;
    uint32_t size = event_size(e);
    unsigned code = has(k, F_ADDRESS) ? (unsigned)size_code(size) : 0;
    unsigned nibble = k < EXTENDED_NIBBLE ? k : EXTENDED_NIBBLE;
    put_u8(&t->kinds, (uint8_t)(nibble | (e->bytes ? 0x10 : 0) | (e->site ? 0x20 : 0) | code << 6));
    /* v3: kinds 15.. (raise_irq included) are nibble 15 plus their number - 15 in the E column. */
    if (k >= EXTENDED_NIBBLE) put_u8(&t->exts, (uint8_t)(k - EXTENDED_NIBBLE));
    if (t->agent_width == 1) put_u8(&t->agent_ids, (uint8_t)e->agent);
    else { le16(t->agent_ids.p + t->agent_ids.len, (uint16_t)e->agent); t->agent_ids.len += 2; }
    if (has(k, F_ADDRESS)) {
        /* Delta from the same agent's previous address in the same stream (memory, MMIO, entries), zigzagged. */
        uint64_t *last = &t->last_addr[(size_t)e->agent * STREAMS + (size_t)stream_of(k)];
        int64_t delta = (int64_t)(e->addr - *last);
        put_significant(&t->addr_lens, &t->addrs, &t->addresses, ((uint64_t)delta << 1) ^ (uint64_t)(delta >> 63));
        *last = e->addr;
        if (code == 0) put_varint(&t->sizes, size);
    }
    if (has(k, F_AUX)) put_varint(&t->aux, packed_aux(e));
    if (e->site) put_varint(&t->sites, e->site->id - 1);
    if (e->bytes && size > 8) {
        memcpy(t->data.p + t->data.len, e->bytes, size);
        t->data.len += size;
    } else if (e->bytes) {
        /* 1..8 bytes: the significant bytes of their little-endian value. */
        const uint8_t *b = e->bytes;
        uint64_t v = 0;
        for (int i = (int)size - 1; i >= 0; i--) v = v << 8 | b[i];
        put_significant(&t->vlens, &t->values, &t->small_values, v);
    }
}

static int append(tt_trace *t, event e)
{
    if (check_event(t, &e)) return -1;
    /* A site tt_start did not number (TT_HERE in a C++ template, whose statics GCC keeps out of the
     * tt_sites section, or in a module without tracetools.c; another trace's tt_add_site, whatever its
     * id): the event is kept, without its site, and counted. */
    int unsited = e.site && !own_site(t, e.site);
    if (unsited) e.site = NULL;
    pthread_mutex_lock(&t->mu);
    t->unsited += (uint64_t)unsited;
    int rc = -1;
    if (t->finished) { fail(t, "%s after tt_finish", KINDS[e.kind].op); goto out; }
    if (t->broken) goto out;
    if (reserve_event(t, e.bytes ? event_size(&e) : 0)) { fail(t, "out of memory"); goto out; }
    put_event(t, &e);
    t->count++;
    t->total++;
    rc = 0;
    if (t->count == t->chunk_events || raw_length(t) >= CHUNK_RAW_TARGET) rc = flush_chunk(t);
out:
    pthread_mutex_unlock(&t->mu);
    return rc;
}

/* Event builders: the operands each kind has, the rest zero. */
static event mem_access(unsigned k, int ag, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return (event){ .kind = k, .agent = ag, .addr = addr, .size = size, .bytes = bytes, .site = site };
}
static event with_aux(unsigned k, int ag, uint32_t aux, const tt_site *site)
{
    return (event){ .kind = k, .agent = ag, .aux = aux, .site = site };
}
static event naming_device(unsigned k, int cpu, uint64_t addr, uint32_t size, int device, uint32_t operand, const tt_site *site)
{
    return (event){ .kind = k, .agent = cpu, .addr = addr, .size = size, .device = device, .operand = operand, .site = site };
}

/* A write of 1..8 bytes given as a value (little-endian); wider ones take the _bytes form. */
static int append_value(tt_trace *t, unsigned k, int ag, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site)
{
    uint8_t b[8];
    if (size > 8) return refuse(t, "%s of size %u with a value (tt_%s_bytes takes 9..4096 bytes)", KINDS[k].op, size, KINDS[k].op);
    le64(b, value);
    return append(t, mem_access(k, ag, addr, size, b, site));
}

int tt_store(tt_trace *t, int cpu, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site)
{
    return append_value(t, K_STORE, cpu, addr, size, value, site);
}
int tt_store_bytes(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return append(t, mem_access(K_STORE, cpu, addr, size, bytes, site));
}
int tt_load(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return append(t, mem_access(K_LOAD, cpu, addr, size, bytes, site));
}
int tt_barrier(tt_trace *t, int cpu, uint32_t code, const tt_site *site)
{
    return append(t, with_aux(K_BARRIER, cpu, code, site));
}
int tt_mmio_write(tt_trace *t, int cpu, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site)
{
    return append_value(t, K_MMIO_WRITE, cpu, addr, size, value, site);
}
int tt_mmio_write_bytes(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return append(t, mem_access(K_MMIO_WRITE, cpu, addr, size, bytes, site));
}
int tt_mmio_read(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const tt_site *site)
{
    return append(t, mem_access(K_MMIO_READ, cpu, addr, size, NULL, site));
}
int tt_cache_clean(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const tt_site *site)
{
    return append(t, mem_access(K_CACHE_CLEAN, cpu, addr, size, NULL, site));
}
int tt_cache_inval(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const tt_site *site)
{
    return append(t, mem_access(K_CACHE_INVAL, cpu, addr, size, NULL, site));
}
int tt_cache_flush(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const tt_site *site)
{
    return append(t, mem_access(K_CACHE_FLUSH, cpu, addr, size, NULL, site));
}
int tt_invalidate(tt_trace *t, int cpu, int device, uint64_t addr, uint32_t entry_size, const tt_site *site)
{
    return append(t, naming_device(K_DEV_INVALIDATE, cpu, addr, entry_size, device, 0, site));
}
int tt_lock(tt_trace *t, int cpu, int lock, const tt_site *site)
{
    return append(t, with_aux(K_LOCK, cpu, (uint32_t)lock, site));
}
int tt_unlock(tt_trace *t, int cpu, int lock, const tt_site *site)
{
    return append(t, with_aux(K_UNLOCK, cpu, (uint32_t)lock, site));
}
int tt_take_irq(tt_trace *t, int cpu, int device, const tt_site *site)
{
    return append(t, naming_device(K_TAKE_IRQ, cpu, 0, 0, device, 0, site));
}
int tt_raise_irq(tt_trace *t, int device, const tt_site *site)
{
    return append(t, with_aux(K_RAISE_IRQ, device, 0, site));
}
int tt_dma_read(tt_trace *t, int device, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return append(t, mem_access(K_DMA_READ, device, addr, size, bytes, site));
}
int tt_dma_write(tt_trace *t, int device, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return append(t, mem_access(K_DMA_WRITE, device, addr, size, bytes, site));
}
int tt_fetch(tt_trace *t, int device, uint64_t addr, uint32_t size, uint32_t granule, const void *bytes,
             const tt_site *site)
{
    event e = mem_access(K_FETCH, device, addr, size, bytes, site);
    e.aux = granule;
    return append(t, e);
}
int tt_store_release(tt_trace *t, int cpu, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site)
{
    return append_value(t, K_STORE_RELEASE, cpu, addr, size, value, site);
}
int tt_store_release_bytes(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return append(t, mem_access(K_STORE_RELEASE, cpu, addr, size, bytes, site));
}
int tt_load_acquire(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return append(t, mem_access(K_LOAD_ACQUIRE, cpu, addr, size, bytes, site));
}
int tt_xchg(tt_trace *t, int cpu, uint64_t addr, uint32_t size, uint64_t value, const tt_site *site)
{
    return append_value(t, K_XCHG, cpu, addr, size, value, site);
}
int tt_xchg_bytes(tt_trace *t, int cpu, uint64_t addr, uint32_t size, const void *bytes, const tt_site *site)
{
    return append(t, mem_access(K_XCHG, cpu, addr, size, bytes, site));
}
int tt_iommu_mode(tt_trace *t, int cpu, int device, enum tt_iommu_treatment treatment, const tt_site *site)
{
    return append(t, naming_device(K_IOMMU_MODE, cpu, 0, 0, device, (uint32_t)treatment, site));
}
int tt_quiesce(tt_trace *t, int cpu, int device, const tt_site *site)
{
    return append(t, naming_device(K_QUIESCE, cpu, 0, 0, device, 0, site));
}
int tt_handover(tt_trace *t, int cpu, const tt_site *site)
{
    return append(t, with_aux(K_HANDOVER, cpu, 0, site));
}
int tt_dma_map(tt_trace *t, int cpu, uint64_t addr, uint32_t size, int device, enum tt_dma_direction direction,
               const tt_site *site)
{
    return append(t, naming_device(K_DMA_MAP, cpu, addr, size, device, (uint32_t)direction, site));
}
int tt_dma_unmap(tt_trace *t, int cpu, uint64_t addr, uint32_t size, int device, const tt_site *site)
{
    return append(t, naming_device(K_DMA_UNMAP, cpu, addr, size, device, 0, site));
}

/* x0..x17 as the format stores them: 8 bytes each, little-endian, whatever the host's byte order. */
static int append_firmware(tt_trace *t, unsigned k, int cpu, enum tt_conduit conduit, const uint64_t *regs, const tt_site *site)
{
    uint8_t b[REGISTER_BYTES];
    if (regs)
        for (int i = 0; i < TT_FIRMWARE_REGS; i++) le64(b + 8 * i, regs[i]);
    event e = with_aux(k, cpu, (uint32_t)conduit, site);
    e.bytes = regs ? b : NULL;
    return append(t, e);
}
int tt_firmware_call(tt_trace *t, int cpu, enum tt_conduit conduit, const uint64_t regs[TT_FIRMWARE_REGS],
                     const tt_site *site)
{
    return append_firmware(t, K_FIRMWARE_CALL, cpu, conduit, regs, site);
}
int tt_firmware_return(tt_trace *t, int cpu, enum tt_conduit conduit, const uint64_t regs[TT_FIRMWARE_REGS],
                       const tt_site *site)
{
    return append_firmware(t, K_FIRMWARE_RETURN, cpu, conduit, regs, site);
}

int tt_flush(tt_trace *t)
{
    pthread_mutex_lock(&t->mu);
    int rc = !t->started || t->finished ? fail(t, "tt_flush outside tt_start..tt_finish") : t->broken ? -1 : flush_chunk(t);
    pthread_mutex_unlock(&t->mu);
    return rc;
}

int tt_finish(tt_trace *t)
{
    pthread_mutex_lock(&t->mu);
    int rc = -1;
    if (!t->started || t->finished) { fail(t, "tt_finish outside tt_start..tt_finish"); goto out; }
    t->finished = 1;
    if (t->broken || flush_chunk(t)) goto close;
    /* Footer: "TIDX" + the index entries, then the 32-byte trailer. */
    uint64_t index_offset = t->position;
    uint32_t index_crc;
    {
        col block = { 0 };
        if (col_room(&block, 4 + t->index.len)) { fail(t, "out of memory"); goto close; }
        le32(block.p, INDEX_MAGIC);
        if (t->index.len) memcpy(block.p + 4, t->index.p, t->index.len);
        block.len = 4 + t->index.len;
        index_crc = crc32c(block.p, block.len);
        int w = write_all(t, block.p, block.len);
        free(block.p);
        if (w) goto close;
    }
    uint8_t tr[TRAILER];
    le32(tr, TRAILER_MAGIC);
    le32(tr + 4, t->chunks);
    le64(tr + 8, index_offset);
    le64(tr + 16, t->total);
    le32(tr + 24, index_crc);
    le32(tr + 28, crc32c(tr, 28));
    if (write_all(t, tr, sizeof tr)) goto close;
    rc = 0;
close:
    if (t->fd >= 0 && close(t->fd) != 0 && rc == 0) rc = fail(t, "%s: close failed: %s", t->path, strerror(errno));
    t->fd = -1;
    if (rc == 0 && t->refused) rc = -1; /* the message of the first refused event is already set */
out:
    pthread_mutex_unlock(&t->mu);
    return rc;
}

const char *tt_error(const tt_trace *t) { return t ? t->error : "out of memory"; }

/* Read under the mutex: other threads may be recording (the counters change in append). The mutex is the
 * trace's own state, not what the const promises the caller. */
static uint64_t locked_read(const tt_trace *t, const uint64_t *counter)
{
    pthread_mutex_t *mu = (pthread_mutex_t *)&t->mu;
    pthread_mutex_lock(mu);
    uint64_t v = *counter;
    pthread_mutex_unlock(mu);
    return v;
}

uint64_t tt_event_count(const tt_trace *t) { return locked_read(t, &t->total); }

uint64_t tt_unsited_events(const tt_trace *t) { return locked_read(t, &t->unsited); }

void tt_free(tt_trace *t)
{
    if (!t) return;
    if (t->fd >= 0) close(t->fd);
    for (size_t i = 0; i < t->n_agents; i++) free(t->agents[i].name);
    for (size_t i = 0; i < t->n_regions; i++) {
        region *r = &t->regions[i];
        for (size_t k = 0; k < r->n_used; k++) { free(r->used[k].bits); free(r->used[k].when); }
        free(r->used);
        free(r->name);
    }
    for (size_t i = 0; i < t->n_locks; i++) free(t->locks[i]);
    for (size_t i = 0; i < t->n_dyn; i++) { free(t->dyn[i]->text); free(t->dyn[i]); }
    col *cols[] = { &t->kinds, &t->agent_ids, &t->addr_lens, &t->addrs, &t->sizes, &t->aux, &t->sites, &t->vlens,
                    &t->values, &t->data, &t->exts, &t->index, &t->out, &t->raw };
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) free(cols[i]->p);
    free(t->agents);
    free(t->regions);
    free(t->locks);
    free(t->dyn);
    free(t->site_texts);
    free(t->last_addr);
    free(t->path);
    free(t->name);
    pthread_mutex_destroy(&t->mu);
    free(t);
}
