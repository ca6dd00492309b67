/*
 * Barrier and cache-maintenance decoding from instruction bytes.
 * Encodings from the Arm ARM (DMB/DSB, DC as SYS), the RISC-V unprivileged
 * spec (FENCE, Zicbom CBO.*) and the Intel SDM (0F AE group).
 */
#include "decode.h"

#include <stdio.h>
#include <string.h>

enum tt_arch tt_arch_from_target(const char *target_name)
{
    if (target_name == NULL) {
        return TT_ARCH_UNKNOWN;
    }
    if (strcmp(target_name, "aarch64") == 0) {
        return TT_ARCH_ARM64;
    }
    if (strcmp(target_name, "riscv64") == 0 || strcmp(target_name, "riscv32") == 0) {
        return TT_ARCH_RISCV;
    }
    if (strcmp(target_name, "x86_64") == 0) {
        return TT_ARCH_X86_64;
    }
    if (strcmp(target_name, "i386") == 0) {
        return TT_ARCH_I386;
    }
    return TT_ARCH_UNKNOWN;
}

static enum tt_insn_kind named(struct tt_insn_class *out, enum tt_insn_kind kind, const char *name)
{
    out->kind = kind;
    snprintf(out->name, sizeof out->name, "%s", name);
    return kind;
}

/* DMB/DSB CRm option field to its assembler name; NULL where the option is reserved. */
static const char *arm64_barrier_option(unsigned crm)
{
    static const char *const names[16] = {
        NULL,    "oshld", "oshst", "osh", NULL, "nshld", "nshst", "nsh",
        NULL,    "ishld", "ishst", "ish", NULL, "ld",    "st",    "sy",
    };
    return names[crm & 0xf];
}

static enum tt_insn_kind classify_arm64(const uint8_t *b, size_t len, struct tt_insn_class *out)
{
    if (len != 4) {
        return TT_INSN_OTHER;
    }
    uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;

    /* DMB <option>: 1101 0101 0000 0011 0011 CRm 1 01 11111; DSB: op2 = 100. */
    if ((w & 0xfffff0ffu) == 0xd50330bfu || (w & 0xfffff0ffu) == 0xd503309fu) {
        const char *option = arm64_barrier_option((w >> 8) & 0xf);
        if (option == NULL) {
            return TT_INSN_OTHER; /* SSBB, PSSBB and reserved options order no memory for us */
        }
        out->kind = TT_INSN_BARRIER;
        snprintf(out->name, sizeof out->name, "%s.%s", (w & 0x20u) ? "dmb" : "dsb", option);
        return TT_INSN_BARRIER;
    }

    /* DC <op>, Xt is SYS #op1, C7, CRm, #op2, Xt: 1101 0101 0000 1 op1 0111 CRm op2 Rt. */
    if ((w & 0xfff8f000u) == 0xd5087000u) {
        unsigned op1 = (w >> 16) & 7, crm = (w >> 8) & 0xf, op2 = (w >> 5) & 7;
        if (op2 != 1) {
            return TT_INSN_OTHER;
        }
        if (op1 == 3 && crm == 10) {
            return named(out, TT_INSN_CACHE, "cvac");
        }
        if (op1 == 3 && crm == 14) {
            return named(out, TT_INSN_CACHE, "civac");
        }
        if (op1 == 0 && crm == 6) {
            return named(out, TT_INSN_CACHE, "ivac");
        }
        if (op1 == 3 && crm == 12) {
            return named(out, TT_INSN_CACHE, "cvap");
        }
    }
    return TT_INSN_OTHER;
}

static void fence_set(unsigned bits, char *dst)
{
    /* FENCE predecessor/successor nibble: bit 3 = I, 2 = O, 1 = R, 0 = W. */
    static const char letters[4] = {'i', 'o', 'r', 'w'};
    for (int i = 0; i < 4; i++) {
        if (bits & (8u >> i)) {
            *dst++ = letters[i];
        }
    }
    *dst = '\0';
}

static enum tt_insn_kind classify_riscv(const uint8_t *b, size_t len, struct tt_insn_class *out)
{
    if (len != 4) {
        return TT_INSN_OTHER; /* compressed instructions hold no fence or cbo */
    }
    uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    unsigned opcode = w & 0x7f, funct3 = (w >> 12) & 7, rd = (w >> 7) & 0x1f;
    if (opcode != 0x0f) {
        return TT_INSN_OTHER; /* not MISC-MEM */
    }
    if (funct3 == 0) {
        unsigned fm = w >> 28, pred = (w >> 24) & 0xf, succ = (w >> 20) & 0xf;
        if (pred == 0 || succ == 0) {
            return TT_INSN_OTHER; /* PAUSE and other hints: no ordering */
        }
        if (fm == 8 && pred == 3 && succ == 3) {
            return named(out, TT_INSN_BARRIER, "fence.tso");
        }
        char p[5], s[5];
        fence_set(pred, p);
        fence_set(succ, s);
        out->kind = TT_INSN_BARRIER;
        snprintf(out->name, sizeof out->name, "fence.%s.%s", p, s);
        return TT_INSN_BARRIER;
    }
    if (funct3 == 2 && rd == 0) {
        switch (w >> 20) {
        case 0:
            return named(out, TT_INSN_CACHE, "cbo.inval");
        case 1:
            return named(out, TT_INSN_CACHE, "cbo.clean");
        case 2:
            return named(out, TT_INSN_CACHE, "cbo.flush");
        default:
            return TT_INSN_OTHER; /* cbo.zero is a store; QEMU reports it as one */
        }
    }
    return TT_INSN_OTHER;
}

static enum tt_insn_kind classify_x86(const uint8_t *b, size_t len, int long_mode,
                                      struct tt_insn_class *out)
{
    size_t i = 0;
    int opsize = 0, rep = 0;
    for (; i < len; i++) {
        uint8_t p = b[i];
        if (p == 0x66) {
            opsize = 1;
        } else if (p == 0xf2 || p == 0xf3) {
            rep = 1;
        } else if (p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e || p == 0x64 || p == 0x65 ||
                   p == 0x67 || p == 0xf0) {
            /* segment, address-size and lock prefixes do not change the 0F AE group */
        } else {
            break;
        }
    }
    if (long_mode && i < len && (b[i] & 0xf0) == 0x40) {
        i++; /* REX */
    }
    if (i + 3 > len || b[i] != 0x0f || b[i + 1] != 0xae) {
        return TT_INSN_OTHER;
    }
    uint8_t modrm = b[i + 2];
    unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7;
    if (rep) {
        return TT_INSN_OTHER; /* F2/F3 0F AE: fs/gs base, ptwrite, umonitor... */
    }
    if (mod == 3) {
        if (opsize) {
            return TT_INSN_OTHER; /* 66 0F AE /6 mod 3 is tpause */
        }
        switch (reg) {
        case 5:
            return named(out, TT_INSN_BARRIER, "lfence");
        case 6:
            return named(out, TT_INSN_BARRIER, "mfence");
        case 7:
            return named(out, TT_INSN_BARRIER, "sfence");
        default:
            return TT_INSN_OTHER;
        }
    }
    if (reg == 7) {
        return named(out, TT_INSN_CACHE, opsize ? "clflushopt" : "clflush");
    }
    if (reg == 6 && opsize) {
        return named(out, TT_INSN_CACHE, "clwb");
    }
    return TT_INSN_OTHER; /* fxsave, ldmxcsr, xsaveopt, ... */
}

enum tt_insn_kind tt_classify(enum tt_arch arch, const uint8_t *bytes, size_t len,
                              struct tt_insn_class *out)
{
    out->kind = TT_INSN_OTHER;
    out->name[0] = '\0';
    switch (arch) {
    case TT_ARCH_ARM64:
        return classify_arm64(bytes, len, out);
    case TT_ARCH_RISCV:
        return classify_riscv(bytes, len, out);
    case TT_ARCH_X86_64:
        return classify_x86(bytes, len, 1, out);
    case TT_ARCH_I386:
        return classify_x86(bytes, len, 0, out);
    default:
        return TT_INSN_OTHER;
    }
}
