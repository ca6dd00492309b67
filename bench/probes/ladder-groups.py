import random, sys
n = int(sys.argv[1]); fill = int(sys.argv[2]); seed = int(sys.argv[3])
r = random.Random(seed)
out = []
out.append(f'scenario "ladder probe: {n} groups, windows into earlier chunks"')
out.append('arch arm64\ncpu cpu0\ndevice nic')
out.append(f'ram buf 0x8000_0000 size {64*n}')
out.append('ram pad 0x7000_0000 size 0x40')
out.append('sync flag 0x9000_0000 size 8')
out.append('mmio regs 0xfe00_0000 size 0x10 device nic')
for i in range(n):
    out.append(f'cpu0: store buf + {64*i} size 8 = 1 @ "fill {i}"')
    out.append(f'cpu0: store flag size 4 = {i} @ "flag"')
    out.append(f'repeat {fill} as k {{\n  cpu0: store pad size 8 = 0\n}}')
perm = list(range(n)); r.shuffle(perm)
for i in perm:
    out.append(f'cpu0: writel_relaxed regs = {i} @ "doorbell {i}"')
    out.append(f'nic: dma_read buf + {64*i} size 8 @ "read {i}"')
out.append('expect none')
print("\n".join(out))
