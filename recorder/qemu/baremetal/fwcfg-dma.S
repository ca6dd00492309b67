/*
 * One fw_cfg DMA transfer on QEMU's arm64 `-M virt`, the way Linux's
 * drivers/firmware/qemu_fw_cfg.c does it: fill a FWCfgDmaAccess descriptor
 * in RAM, ring the fw_cfg DMA register with its address, wait until the
 * device clears the control word.
 *
 * Assembled twice (record.sh): with --defsym BARRIER=1 the descriptor's
 * stores are ordered before the doorbell by `dmb oshst` (Linux's wmb() /
 * dma_wmb() on arm64); without it the device may read a stale descriptor,
 * which `tracetools replay` reports as stale-dma-read.
 *
 * Only immediates and pc-relative addresses: the program's only RAM
 * accesses are the descriptor's, so its trace is short.
 */
    .equ FW_CFG_DMA_REG,    0x09020010      /* virt: fw_cfg base 0x09020000 + 0x10 */
    .equ CTL_SKIP,          0x04
    .equ CTL_SELECT,        0x08
    .equ FW_CFG_SIGNATURE,  0x0000          /* the "QEMU" item */
    .equ PSCI_SYSTEM_OFF,   0x84000008

    .section .text.start, "ax"
    .global _start
_start:
    adr     x1, dma_access

    /* control: select the signature item, skip its 4 bytes (no data phase) */
    mov     w2, #((FW_CFG_SIGNATURE << 16) | CTL_SELECT | CTL_SKIP)
    rev     w2, w2                          /* FWCfgDmaAccess fields are big-endian */
    str     w2, [x1, #0]                    /* control */
    mov     w3, #4
    rev     w3, w3
    str     w3, [x1, #4]                    /* length */
    str     xzr, [x1, #8]                   /* address: none for a skip */

.ifdef BARRIER
    dmb     oshst                           /* wmb(): descriptor before the doorbell */
.endif

doorbell:
    movz    x4, #(FW_CFG_DMA_REG >> 16), lsl #16
    movk    x4, #(FW_CFG_DMA_REG & 0xffff)
    rev     x5, x1
    str     x5, [x4]                        /* 64-bit big-endian address: starts the transfer */

wait:
    ldr     w6, [x1, #0]                    /* the device writes control back when done */
    rev     w6, w6
    and     w6, w6, #~1                     /* ignore FW_CFG_DMA_CTL_ERROR */
    cbnz    w6, wait

    movz    x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
    movk    x0, #(PSCI_SYSTEM_OFF & 0xffff)
    hvc     #0                              /* -M virt without EL2: QEMU's PSCI powers off */
halt:
    wfi
    b       halt

    .section .bss, "aw", %nobits
    .balign 16
    .global dma_access
dma_access:                                 /* struct FWCfgDmaAccess { be32 control, length; be64 address; } */
    .space  16
