#!/usr/bin/env python3
"""Writes 10^N-line inputs for `tracetools import` throughput runs (bench/import/run.sh); not committed.

usage: make-inputs.py DIR [LINES]   -> DIR/layout.scn, DIR/ftrace.txt, DIR/mmiotrace.txt, DIR/steps.txt, DIR/qemu.txt
"""
import sys, os

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
os.makedirs(out, exist_ok=True)
REGS = 0xffff800010000000

with open(os.path.join(out, "layout.scn"), "w") as f:
    f.write("""scenario "import-bench"
arch arm64
cpu cpu0, cpu1
device nic noncoherent
ram ring 0x80000000 size 0x100000
mmio regs 0xffff800010000000 size 0x1000 device nic
""")
with open(os.path.join(out, "layout-x86.scn"), "w") as f:
    f.write("arch x86_64\ncpu cpu0\ndevice gpu\nmmio bar0 0xfd000000 size 0x1000000 device gpu\n")

def ftrace_line(i):
    us = 100_000_000 + i
    cpu = i & 1
    k = i % 4
    if k == 0:
        ev, args = "rwmmio_write", f"nic_xmit+0x3c/0x120 [nic] -> nic_ring_doorbell+0x14/0x40 [nic] width=32 val=0x{i & 0xffff:x} addr=0x{REGS + 0x10:x}"
    elif k == 1:
        ev, args = "rwmmio_read", f"nic_poll+0x10/0x80 [nic] -> nic_read_status+0x8/0x20 [nic] width=32 addr=0x{REGS + 0x20:x}"
    elif k == 2:
        a = 0x80000000 + (i * 64) % 0x100000
        ev, args = "dma_sync_single_for_device", f"nic dir=TO_DEVICE dma_addr={a:x} size=64"
    else:
        ev, args = "sched_switch", "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/1:0 next_pid=17 next_prio=120"
    return "%16s-%-7d [%03d] %s %5d.%06d: %s: %s\n" % ("kworker/0:1", 42, cpu, "d.h1.", us // 1_000_000, us % 1_000_000, ev, args)

def mmio_line(i):
    us = 105_000_000 + i
    op = "W" if i & 1 else "R"
    return "%s %d %u.%06u %d 0x%x 0x%x 0x%x %d\n" % (op, 4, us // 1_000_000, us % 1_000_000, 1, 0xfd000000 + (i * 4) % 0x1000, i & 0xffffffff, 0xffffffffa0123456 + (i % 64) * 4, 0)

def steps_line(i):
    k = i % 5
    off = (i * 8) % 0x100000
    if k == 0: return f"cpu0: store ring + 0x{off:x} size 8 = 0x{i:x} @ \"nic_fill\"\n"
    if k == 1: return "cpu0: barrier dma_wmb\n"
    if k == 2: return f"cpu0: mmio_write regs + 0x10 size 4 = 0x{i & 0xffff:x} @ \"nic_ring_doorbell\"\n"
    if k == 3: return f"nic:  dma_read ring + 0x{off:x} size 8\n"
    return f"cpu1: load ring + 0x{off:x} size 8\n"

def qemu_line(i):
    # A driver loop as QEMU 7.2 and ttrecord log it (recorder/qemu): stores, a barrier, a doorbell with its
    # pc line, loads on both cpus, a cache op without address and another trace event (both counted).
    k = i % 10
    off = (i * 8) % 0x100000
    pc = 0xffff800008010000 + 4 * k
    if k < 3: return f"tt_store cpu 0 addr 0x{0x80000000 + off:x} size 8 pc 0x{pc:x}\n"
    if k == 3: return f"tt_barrier cpu 0 insn dmb.oshst pc 0x{pc:x}\n"
    if k == 4: return f"4242@1796180337.{i % 1000000:06d}:memory_region_ops_write cpu 0 mr 0x55d0c7a4e8b0 addr 0x{REGS + 0x10:x} value 0x{i & 0xffff:x} size 4 name 'nic-regs'\n"
    if k == 5: return f"tt_io_store cpu 0 addr 0x{REGS + 0x10:x} size 4 pc 0x{pc:x}\n"
    if k < 8: return f"tt_load cpu {k & 1} addr 0x{0x80000000 + off:x} size 8 pc 0x{pc:x}\n"
    if k == 8: return f"tt_cache cpu 0 op civac pc 0x{pc:x}\n"
    return "4242@1796180337.000001:fw_cfg_select 0x5593ded4b0f0 key 0x0000 'signature', ret: 1\n"

for name, make in (("ftrace.txt", ftrace_line), ("mmiotrace.txt", mmio_line), ("steps.txt", steps_line), ("qemu.txt", qemu_line)):
    with open(os.path.join(out, name), "w", buffering=1 << 20) as f:
        buf = []
        for i in range(n):
            buf.append(make(i))
            if len(buf) == 100_000:
                f.write("".join(buf)); buf.clear()
        f.write("".join(buf))
