/*
 * Instruction classification for ttrecord: which guest instructions are
 * memory barriers or cache maintenance, decoded from their bytes at
 * translation time. Pure functions (no QEMU calls), so decode_test.c can
 * check them with gcc alone.
 */
#ifndef TT_DECODE_H
#define TT_DECODE_H

#include <stddef.h>
#include <stdint.h>

enum tt_arch {
    TT_ARCH_UNKNOWN = 0,
    TT_ARCH_ARM64,
    TT_ARCH_RISCV,
    TT_ARCH_X86_64,
    TT_ARCH_I386,
};

enum tt_insn_kind {
    TT_INSN_OTHER = 0,
    TT_INSN_BARRIER, /* name: dmb.oshst, dsb.st, fence.ow.ow, fence.tso, mfence, ... */
    TT_INSN_CACHE,   /* name: cvac, civac, ivac, cbo.clean, clflush, clwb, ... */
};

#define TT_INSN_NAME_MAX 24

struct tt_insn_class {
    enum tt_insn_kind kind;
    char name[TT_INSN_NAME_MAX];
};

/* QEMU's target name ("aarch64", "riscv64", "x86_64", ...) to an arch. */
enum tt_arch tt_arch_from_target(const char *target_name);

/*
 * Classifies the instruction in bytes[0..len). Returns its kind and fills
 * out->name for barriers and cache maintenance; TT_INSN_OTHER otherwise.
 */
enum tt_insn_kind tt_classify(enum tt_arch arch, const uint8_t *bytes, size_t len,
                              struct tt_insn_class *out);

#endif
