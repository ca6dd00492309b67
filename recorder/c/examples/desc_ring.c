/*
 * desc_ring.c: a transmit descriptor ring recorded with tracetools.h, the driver on one thread and a
 * model of the NIC on another (the way a device model next to a driver records).
 *
 * For each frame the driver copies the frame into its buffer, writes the buffer's address into the
 * descriptor (payload, bytes 0..7), orders it with dma_wmb, and sets OWN (bit 127, the present bit).
 * Descriptor 0 forgets the dma_wmb (the bug `tracetools replay` must find, at this file's line);
 * descriptor 1 is correct. Then a writel of the tail doorbell; the NIC thread, woken by it, fetches
 * each descriptor and reads its frame.
 *
 *   cc -std=c11 -pthread desc_ring.c ../tracetools.c -o desc_ring && ./desc_ring ring.trace
 *   tracetools replay ring.trace        # one present-before-payload, at desc_ring.c:<line>
 *
 * ./desc_ring OUT.trace --forever: records correct rounds until killed (prints "recording" once 10
 * chunks are on disk): what a crash leaves behind.
 */
#define _POSIX_C_SOURCE 200809L
#include "../tracetools.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

enum { ENTRIES = 16, ENTRY = 16, FRAME = 64, BUF_STRIDE = 0x800 };
static const uint64_t RING = 0x80000000u, BUFS = 0x81000000u, REGS = 0x10000000u;

static tt_trace *trace;
static int cpu, nic;
static uint8_t ring[ENTRIES * ENTRY];       /* the memory the two sides share */
static uint8_t bufs[ENTRIES * BUF_STRIDE];
static atomic_uint doorbell;                /* the NIC's tail register */

static int check(int rc)
{
    if (rc < 0) {
        fprintf(stderr, "desc_ring: %s\n", tt_error(trace));
        exit(2);
    }
    return rc;
}

static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

/* Driver side: one frame into descriptor I. Writes are recorded before they are performed. */
static void xmit(unsigned i, int with_barrier)
{
    uint64_t buf = BUFS + i * BUF_STRIDE, desc = RING + i * ENTRY;
    uint8_t frame[FRAME];
    memset(frame, 0xA0 + (int)i, sizeof frame);
    check(TT_STORE_BYTES(trace, cpu, buf, FRAME, frame));
    memcpy(bufs + i * BUF_STRIDE, frame, FRAME);
    if (with_barrier) {
        check(TT_STORE(trace, cpu, desc, 8, buf));
        put64(ring + i * ENTRY, buf);
        check(TT_BARRIER(trace, cpu, TT_DMA_WMB));
        check(TT_STORE(trace, cpu, desc + 8, 8, 1ull << 63));
    } else {
        check(TT_STORE(trace, cpu, desc, 8, buf));
        put64(ring + i * ENTRY, buf);
        check(TT_STORE(trace, cpu, desc + 8, 8, 1ull << 63)); /* BUG: OWN without dma_wmb */
    }
    put64(ring + i * ENTRY + 8, 1ull << 63);
}

/* writel: wmb, then the register write; recorded before the NIC can see it. */
static void ring_doorbell(unsigned tail)
{
    check(TT_BARRIER(trace, cpu, TT_WMB));
    check(TT_MMIO_WRITE(trace, cpu, REGS + 0x10, 4, tail));
    atomic_store_explicit(&doorbell, tail, memory_order_release);
}

/* NIC side: after the doorbell, fetch descriptors FIRST..TAIL-1 and read their frames. */
static void nic_process(unsigned first, unsigned tail)
{
    for (unsigned n = first; n < tail; n++) {
        unsigned i = n % ENTRIES;
        uint8_t entry[ENTRY];
        memcpy(entry, ring + i * ENTRY, ENTRY);
        check(TT_FETCH(trace, nic, RING + i * ENTRY, ENTRY, 0, entry));
        check(TT_DMA_READ(trace, nic, BUFS + i * BUF_STRIDE, FRAME, bufs + i * BUF_STRIDE));
        uint8_t done[8] = { 0 };
        check(TT_DMA_WRITE(trace, nic, RING + i * ENTRY + 8, 8, done)); /* write-back: OWN cleared */
        memcpy(ring + i * ENTRY + 8, done, 8);
    }
}

static void *nic_thread(void *arg)
{
    unsigned tail = *(unsigned *)arg;
    while (atomic_load_explicit(&doorbell, memory_order_acquire) < tail) sched_yield();
    nic_process(0, tail);
    return NULL;
}

static void declare(const char *path, uint32_t chunk_events)
{
    trace = tt_create(path, TT_ARCH_ARM64, "tx ring: desc->addr, dma_wmb, desc->own");
    if (!trace) { fprintf(stderr, "desc_ring: out of memory\n"); exit(2); }
    cpu = check(tt_add_cpu(trace, "cpu0"));
    nic = check(tt_add_device(trace, "nic", 1));
    check(tt_add_table(trace, "txring", RING, ENTRIES, ENTRY, ENTRY, 127, nic));
    check(tt_add_ram(trace, "txbufs", BUFS, sizeof bufs));
    check(tt_add_mmio(trace, "nicregs", REGS, 0x100, nic));
    check(tt_set_chunk_events(trace, chunk_events));
    check(tt_start(trace));
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: desc_ring OUT.trace [--forever]\n"); return 2; }
    if (argc > 2 && strcmp(argv[2], "--forever") == 0) {
        declare(argv[1], 64);
        for (unsigned tail = 1;; tail++) {
            xmit((tail - 1) % ENTRIES, 1);
            ring_doorbell(tail);
            nic_process(tail - 1, tail);
            check(TT_MMIO_READ(trace, cpu, REGS + 0x14, 4)); /* head: the NIC is done with it */
            if (tail == 200) { printf("recording\n"); fflush(stdout); }
            if (tail > 200) {
                struct timespec pause = { 0, 1000000 }; /* 1 ms a round: a small file when the kill comes late */
                nanosleep(&pause, NULL);
            }
        }
    }
    declare(argv[1], 4096);
    unsigned tail = 2;
    pthread_t model;
    if (pthread_create(&model, NULL, nic_thread, &tail) != 0) { fprintf(stderr, "desc_ring: pthread_create failed\n"); return 2; }
    xmit(0, 0);
    xmit(1, 1);
    ring_doorbell(tail);
    pthread_join(model, NULL);
    int rc = tt_finish(trace);
    if (rc) fprintf(stderr, "desc_ring: %s\n", tt_error(trace));
    tt_free(trace);
    return rc ? 2 : 0;
}
