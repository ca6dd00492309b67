/*
 * count_while_recording.c: four threads record into one trace while the main thread watches its progress with
 * tt_event_count and tt_unsited_events, as a testbench's monitor would. Built with -fsanitize=thread by
 * SanitizerTests: the counters must be read without a data race.
 *
 *   count_while_recording OUT
 *
 * Exit 0 when the trace is complete and the count seen grew to 4 x EVENTS; 4 when a call failed, 5 when the
 * count went down or ended wrong.
 */
#define _POSIX_C_SOURCE 200809L
#include "tracetools.h"

#include <pthread.h>
#include <stdio.h>

enum { THREADS = 4, EVENTS = 20000 };
static tt_trace *t;
static int cpus[THREADS];

static void *record(void *arg)
{
    int i = (int)(long)arg;
    for (int n = 0; n < EVENTS; n++)
        if (tt_store_release(t, cpus[i], 0x1000 + 8 * (uint64_t)i, 8, (uint64_t)n, NULL) != 0) return (void *)1;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: count_while_recording OUT\n"); return 2; }
    t = tt_create(argv[1], TT_ARCH_ARM64, "count while recording");
    if (!t) return 4;
    char name[8];
    for (int i = 0; i < THREADS; i++) { snprintf(name, sizeof name, "cpu%d", i); cpus[i] = tt_add_cpu(t, name); }
    tt_add_ram(t, "mem", 0x1000, 0x100);
    tt_set_chunk_events(t, 64);
    if (tt_start(t) != 0) { fprintf(stderr, "%s\n", tt_error(t)); return 4; }
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, record, (void *)i);
    uint64_t seen = 0;
    while (seen < (uint64_t)THREADS * EVENTS) {
        uint64_t now = tt_event_count(t);
        if (now < seen || tt_unsited_events(t) != 0) return 5;
        seen = now;
    }
    int failed = 0;
    for (int i = 0; i < THREADS; i++) { void *r; pthread_join(th[i], &r); failed |= r != NULL; }
    int rc = tt_finish(t);
    if (failed || rc != 0) { fprintf(stderr, "%s\n", tt_error(t)); return 4; }
    tt_free(t);
    return seen == (uint64_t)THREADS * EVENTS ? 0 : 5;
}
