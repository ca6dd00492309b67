/*
 * no_sites.c: a recording whose events all have NULL sites, with no TT_HERE anywhere in the program and no
 * tt_add_site: the trace has no sites at all. Built with -fsanitize=undefined by SanitizerTests.
 *
 *   no_sites OUT
 *
 * Exit 0 when the trace is complete; 4 when tt_start or tt_finish failed (tt_error on stderr).
 */
#include "tracetools.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: no_sites OUT\n"); return 2; }
    tt_trace *t = tt_create(argv[1], TT_ARCH_ARM64, "no sites");
    if (!t) return 4;
    int cpu = tt_add_cpu(t, "cpu0"), dev = tt_add_device(t, "dev", 1);
    tt_add_ram(t, "buf", 0x1000, 0x100);
    if (tt_start(t) != 0) { fprintf(stderr, "%s\n", tt_error(t)); tt_free(t); return 4; }
    uint8_t frame[16] = { 1 };
    tt_dma_map(t, cpu, 0x1000, 16, dev, TT_DMA_FROM_DEVICE, NULL);
    tt_dma_write(t, dev, 0x1000, 16, frame, NULL);
    tt_dma_unmap(t, cpu, 0x1000, 16, dev, NULL);
    tt_store_release(t, cpu, 0x1010, 4, 1, NULL);
    int rc = tt_finish(t);
    if (rc != 0) fprintf(stderr, "%s\n", tt_error(t));
    tt_free(t);
    return rc != 0 ? 4 : 0;
}
