/*
 * runtime_sites.c: tt_add_site with text the trace header cannot hold as given (control characters,
 * invalid UTF-8, more than 4096 bytes), one store per site, in the order of SITES.
 *
 *   runtime_sites OUT
 *
 * Exit 0 when the trace is complete; 3 when tt_add_site refused a site, 4 when tt_start or tt_finish failed
 * (tt_error on stderr).
 */
#include "tracetools.h"

#include <stdio.h>
#include <string.h>

static char long_ascii[4098];   /* 4097 'x': one byte too many */
static char long_euro[4099];    /* 4094 'y' then a 3-byte '€' that ends past byte 4096 */
static char long_c1[4099];      /* 4095 'z', a 2-byte C1 control that ends past byte 4096, 'w' */
static char many_c1[4201];      /* 2100 C1 controls: 4200 bytes, 2100 '?' if replaced before the cut */

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: runtime_sites OUT\n"); return 2; }
    memset(long_ascii, 'x', 4097);
    memset(long_euro, 'y', 4094);
    memcpy(long_euro + 4094, "\xE2\x82\xAC", 3);
    memset(long_c1, 'z', 4095);
    memcpy(long_c1 + 4095, "\xC2\x85w", 3);
    for (int i = 0; i < 2100; i++) memcpy(many_c1 + 2 * i, "\xC2\x85", 2);
    const char *texts[] = {
        "tab\there", "del\x7fhere", "nel\xC2\x85here",       /* C0, DEL, C1 controls */
        "a\xFF" "b", "cut\xE2\x82", "sur\xED\xA0\x80x",        /* a bad byte, a truncated sequence, a surrogate */
        long_ascii, long_euro, "caf\xC3\xA9",                /* over 4096 bytes twice; valid UTF-8 kept */
        long_c1, many_c1,                                    /* cut by their own length, then replaced */
    };
    size_t n = sizeof texts / sizeof *texts;
    tt_trace *t = tt_create(argv[1], TT_ARCH_ARM64, "runtime_sites");
    int cpu = tt_add_cpu(t, "cpu0");
    tt_add_ram(t, "mem", 0x1000, 0x1000);
    const tt_site *sites[16];
    for (size_t i = 0; i < n; i++)
        if (!(sites[i] = tt_add_site(t, texts[i]))) { fprintf(stderr, "%s\n", tt_error(t)); return 3; }
    if (tt_start(t) != 0) { fprintf(stderr, "%s\n", tt_error(t)); tt_free(t); return 4; }
    for (size_t i = 0; i < n; i++) tt_store(t, cpu, 0x1000 + 8 * i, 8, i, sites[i]);
    int rc = tt_finish(t);
    if (rc != 0) fprintf(stderr, "%s\n", tt_error(t));
    tt_free(t);
    return rc == 0 ? 0 : 4;
}
