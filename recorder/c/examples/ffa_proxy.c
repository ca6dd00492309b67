/*
 * ffa_proxy.c: a pKVM-style firmware proxy recorded with tracetools.h (docs/model.md §12): the host kernel's
 * smc is trapped by the hypervisor, which forwards it to the secure world (EL3) with a call of its own and
 * hands the answer back to the host.
 *
 * The host sends an FF-A direct request, FFA_MSG_SEND_DIRECT_REQ (0x8400006f), an SMC32 call: x0..x3 may come
 * back changed, x4..x7 only where the answer carries results (FFA_MSG_SEND_DIRECT_RESP: x0..x7), and x8..x17
 * must come back as the host passed them (SMCCC 1.1 made x4..x17 callee-saved; the host keeps live values
 * there). The proxy builds its own register block for the inner smc from the host's x0..x7 (its x8..x17 are
 * 0), EL3 answers in x0..x7 and preserves the rest, and the proxy copies the answer into the host's context:
 * all of x0..x17 (the bug `tracetools replay` must find: smccc-clobber, the host's x8 and x9 come back 0), or,
 * with --fixed, x0..x7 only.
 *
 *   cc -std=c11 ffa_proxy.c ../tracetools.c -o ffa_proxy && ./ffa_proxy proxy.trace
 *   tracetools replay proxy.trace        # one smccc-clobber, at ffa_proxy.c:<line of the eret>
 *   ./ffa_proxy fixed.trace --fixed && tracetools replay fixed.trace     # no finding
 *
 * The v1 C recorder could not record this: smc/hvc calls and returns are kinds 24 and 25, format v3.
 */
#include "../tracetools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FFA_MSG_SEND_DIRECT_REQ_32 = 0x8400006f, FFA_MSG_SEND_DIRECT_RESP_32 = 0x84000070, RESULT_REGS = 8 };

/* x0..x17 of one side of an smc, as SMCCC 1.2's struct arm_smccc_1_2_regs holds them. */
typedef struct regs { uint64_t x[TT_FIRMWARE_REGS]; } regs;

static tt_trace *trace;
static int cpu;

static int check(int rc)
{
    if (rc < 0) {
        fprintf(stderr, "ffa_proxy: %s\n", tt_error(trace));
        exit(2);
    }
    return rc;
}

/* EL3 (the SPMC): answers a direct request with a direct response from the partition, x0..x7; preserves
 * x8..x17 of its caller, as SMCCC says it must. */
static regs el3_smc(const regs *in)
{
    regs out = *in;
    out.x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
    out.x[1] = (in->x[1] & 0xFFFF) << 16 | in->x[1] >> 16; /* sender and receiver swap */
    out.x[2] = 0;
    out.x[3] = 0x33;                                       /* the partition's message */
    out.x[4] = 0x44;
    for (int i = 5; i < RESULT_REGS; i++) out.x[i] = 0;
    check(TT_SMC_RETURN(trace, cpu, out.x));               /* EL3 returns to the proxy */
    return out;
}

/* The proxy at EL2: the host's smc trapped (HCR_EL2.TSC), forwarded from its own register block. */
static void hyp_handle_host_smc(regs *host, int fixed)
{
    regs fwd = { { 0 } };
    memcpy(fwd.x, host->x, RESULT_REGS * sizeof fwd.x[0]); /* a direct request's arguments: x0..x7 */
    check(TT_SMC(trace, cpu, fwd.x));                      /* the proxy's own smc to EL3 */
    regs answer = el3_smc(&fwd);
    if (fixed)
        memcpy(host->x, answer.x, RESULT_REGS * sizeof host->x[0]); /* x0..x7: the results of DIRECT_RESP */
    else
        memcpy(host->x, answer.x, sizeof host->x);         /* BUG: x0..x17 copied, the host's x8..x17 lost */
    check(TT_SMC_RETURN(trace, cpu, host->x));             /* eret to the host */
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: ffa_proxy OUT.trace [--fixed]\n"); return 2; }
    int fixed = argc > 2 && strcmp(argv[2], "--fixed") == 0;
    trace = tt_create(argv[1], TT_ARCH_ARM64, fixed ? "FF-A proxy, x0..x7 copied back" : "FF-A proxy, x0..x17 copied back");
    if (!trace) { fprintf(stderr, "ffa_proxy: out of memory\n"); return 2; }
    cpu = check(tt_add_cpu(trace, "cpu0"));
    check(tt_start(trace));

    /* The host's request: x1 sender 0x0000 to receiver 0x8001, a message in x3..x4, and live values of its
     * own in x8 and x9 that SMC32 promises back. */
    regs host = { { 0 } };
    host.x[0] = FFA_MSG_SEND_DIRECT_REQ_32;
    host.x[1] = 0x00008001;
    host.x[3] = 0x11;
    host.x[4] = 0x22;
    host.x[8] = 0xffff000012345000;
    host.x[9] = 0x40;
    uint64_t x8 = host.x[8];
    check(TT_SMC(trace, cpu, host.x));                     /* the host's smc, trapped by EL2 */
    hyp_handle_host_smc(&host, fixed);

    int rc = tt_finish(trace);
    if (rc) fprintf(stderr, "ffa_proxy: %s\n", tt_error(trace));
    tt_free(trace);
    printf("host x8 %s\n", host.x[8] == x8 ? "kept" : "clobbered");
    return rc ? 2 : 0;
}
