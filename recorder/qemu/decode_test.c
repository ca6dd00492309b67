/*
 * Checks decode.c against instruction encodings produced by GNU as
 * (aarch64-linux-gnu-as -march=armv8.2-a, riscv64-linux-gnu-as
 * -march=rv64gc_zicbom_zicboz_zihintpause_zifencei, x86_64 as) and read
 * back with objdump. Build and run: gcc decode_test.c decode.c && ./a.out
 * Exit status 0 when every case passes; one line per failure otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "decode.h"

struct word_case {
    enum tt_arch arch;
    unsigned int word; /* little-endian instruction word */
    const char *expected; /* kind prefix "b:" barrier, "c:" cache, or "" for other */
};

static const struct word_case word_cases[] = {
    {TT_ARCH_ARM64, 0xd50332bf, "b:dmb.oshst"},
    {TT_ARCH_ARM64, 0xd50331bf, "b:dmb.oshld"},
    {TT_ARCH_ARM64, 0xd50333bf, "b:dmb.osh"},
    {TT_ARCH_ARM64, 0xd5033abf, "b:dmb.ishst"},
    {TT_ARCH_ARM64, 0xd50339bf, "b:dmb.ishld"},
    {TT_ARCH_ARM64, 0xd5033bbf, "b:dmb.ish"},
    {TT_ARCH_ARM64, 0xd5033ebf, "b:dmb.st"},
    {TT_ARCH_ARM64, 0xd5033dbf, "b:dmb.ld"},
    {TT_ARCH_ARM64, 0xd5033fbf, "b:dmb.sy"},
    {TT_ARCH_ARM64, 0xd50336bf, "b:dmb.nshst"},
    {TT_ARCH_ARM64, 0xd50335bf, "b:dmb.nshld"}, /* by hand from the Arm ARM: CRm 0101 */
    {TT_ARCH_ARM64, 0xd5033e9f, "b:dsb.st"},
    {TT_ARCH_ARM64, 0xd5033f9f, "b:dsb.sy"},
    {TT_ARCH_ARM64, 0xd5033b9f, "b:dsb.ish"},
    {TT_ARCH_ARM64, 0xd503329f, "b:dsb.oshst"},
    {TT_ARCH_ARM64, 0xd503309f, ""}, /* ssbb */
    {TT_ARCH_ARM64, 0xd503349f, ""}, /* pssbb */
    {TT_ARCH_ARM64, 0xd5033fdf, ""}, /* isb */
    {TT_ARCH_ARM64, 0xd50b7a20, "c:cvac"},
    {TT_ARCH_ARM64, 0xd50b7e21, "c:civac"},
    {TT_ARCH_ARM64, 0xd5087622, "c:ivac"},
    {TT_ARCH_ARM64, 0xd50b7c23, "c:cvap"},
    {TT_ARCH_ARM64, 0xd50b7b24, ""}, /* dc cvau: point of unification, not for devices */
    {TT_ARCH_ARM64, 0xd50b7425, ""}, /* dc zva: a store; QEMU reports no access either */
    {TT_ARCH_ARM64, 0xd5087e46, ""}, /* dc cisw: set/way */
    {TT_ARCH_ARM64, 0xd503201f, ""}, /* nop */
    {TT_ARCH_ARM64, 0xf9000020, ""}, /* str x0, [x1] */
    {TT_ARCH_RISCV, 0x0330000f, "b:fence.rw.rw"},
    {TT_ARCH_RISCV, 0x0ff0000f, "b:fence.iorw.iorw"},
    {TT_ARCH_RISCV, 0x0110000f, "b:fence.w.w"},
    {TT_ARCH_RISCV, 0x0550000f, "b:fence.ow.ow"},
    {TT_ARCH_RISCV, 0x0140000f, "b:fence.w.o"},
    {TT_ARCH_RISCV, 0x0220000f, "b:fence.r.r"},
    {TT_ARCH_RISCV, 0x0aa0000f, "b:fence.ir.ir"},
    {TT_ARCH_RISCV, 0x8330000f, "b:fence.tso"},
    {TT_ARCH_RISCV, 0x0000100f, ""}, /* fence.i */
    {TT_ARCH_RISCV, 0x0100000f, ""}, /* pause */
    {TT_ARCH_RISCV, 0x0015200f, "c:cbo.clean"},
    {TT_ARCH_RISCV, 0x0025a00f, "c:cbo.flush"},
    {TT_ARCH_RISCV, 0x0006200f, "c:cbo.inval"},
    {TT_ARCH_RISCV, 0x0046a00f, ""}, /* cbo.zero */
};

struct bytes_case {
    enum tt_arch arch;
    unsigned char bytes[8];
    size_t len;
    const char *expected;
};

static const struct bytes_case bytes_cases[] = {
    {TT_ARCH_X86_64, {0x0f, 0xae, 0xf0}, 3, "b:mfence"},
    {TT_ARCH_X86_64, {0x0f, 0xae, 0xe8}, 3, "b:lfence"},
    {TT_ARCH_X86_64, {0x0f, 0xae, 0xf8}, 3, "b:sfence"},
    {TT_ARCH_X86_64, {0x0f, 0xae, 0x38}, 3, "c:clflush"},
    {TT_ARCH_X86_64, {0x66, 0x0f, 0xae, 0x3b}, 4, "c:clflushopt"},
    {TT_ARCH_X86_64, {0x66, 0x0f, 0xae, 0x31}, 4, "c:clwb"},
    {TT_ARCH_X86_64, {0x41, 0x0f, 0xae, 0x78, 0x08}, 5, "c:clflush"},
    {TT_ARCH_X86_64, {0x0f, 0xae, 0x30}, 3, ""},             /* xsaveopt */
    {TT_ARCH_X86_64, {0x0f, 0xae, 0x00}, 3, ""},             /* fxsave */
    {TT_ARCH_X86_64, {0x90}, 1, ""},                         /* nop */
    {TT_ARCH_X86_64, {0xf3, 0x0f, 0xae, 0xf0}, 4, ""},       /* umonitor %rax: F3 0F AE /6, mod 3 */
    {TT_ARCH_X86_64, {0xf3, 0x48, 0x0f, 0xae, 0xe8}, 5, ""}, /* incsspq %rax: F3 REX.W 0F AE /5, mod 3 */
    {TT_ARCH_X86_64, {0x66, 0x0f, 0xae, 0xf0}, 4, ""},       /* tpause %eax: 66 0F AE /6, mod 3 */
    {TT_ARCH_X86_64, {0xf0, 0x83, 0x04, 0x24, 0x00}, 5, ""}, /* lock addl: not decoded (docs) */
    {TT_ARCH_I386, {0x0f, 0xae, 0xf0}, 3, "b:mfence"},
    {TT_ARCH_I386, {0x41, 0x0f, 0xae, 0x38}, 4, ""},         /* 0x41 is inc %ecx on i386 */
    {TT_ARCH_RISCV, {0x88, 0xc1}, 2, ""},                    /* c.sw */
};

static int check(const char *what, enum tt_arch arch, const unsigned char *bytes, size_t len,
                 const char *expected)
{
    struct tt_insn_class cls;
    char got[TT_INSN_NAME_MAX + 2] = "";
    enum tt_insn_kind kind = tt_classify(arch, bytes, len, &cls);
    if (kind == TT_INSN_BARRIER) {
        snprintf(got, sizeof got, "b:%s", cls.name);
    } else if (kind == TT_INSN_CACHE) {
        snprintf(got, sizeof got, "c:%s", cls.name);
    }
    if (strcmp(got, expected) != 0) {
        printf("FAIL %s: expected '%s', got '%s'\n", what, expected, got);
        return 1;
    }
    return 0;
}

int main(void)
{
    int failures = 0, total = 0;
    for (size_t i = 0; i < sizeof word_cases / sizeof word_cases[0]; i++, total++) {
        unsigned int w = word_cases[i].word;
        unsigned char b[4] = {w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, w >> 24};
        char what[32];
        snprintf(what, sizeof what, "word 0x%08x", w);
        failures += check(what, word_cases[i].arch, b, 4, word_cases[i].expected);
    }
    for (size_t i = 0; i < sizeof bytes_cases / sizeof bytes_cases[0]; i++, total++) {
        char what[32];
        snprintf(what, sizeof what, "x86 case %zu", i);
        failures += check(what, bytes_cases[i].arch, bytes_cases[i].bytes, bytes_cases[i].len,
                          bytes_cases[i].expected);
    }
    if (tt_arch_from_target("aarch64") != TT_ARCH_ARM64 || tt_arch_from_target("riscv64") != TT_ARCH_RISCV ||
        tt_arch_from_target("x86_64") != TT_ARCH_X86_64 || tt_arch_from_target("sparc") != TT_ARCH_UNKNOWN ||
        tt_arch_from_target("riscv32") != TT_ARCH_RISCV || tt_arch_from_target("i386") != TT_ARCH_I386) {
        printf("FAIL tt_arch_from_target\n");
        failures++;
    }
    total++;
    printf("%d of %d decode cases passed\n", total - failures, total);
    return failures != 0;
}
