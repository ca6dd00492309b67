# Prints a scenario with one dma-race group whose instances each need another fix: D devices each DMA-write into
# R 8-byte ram regions with letter names (numbers in a help are the same fix; another region's name is another),
# and cpu0 reuses each region while the device may still write it. `python3 group-fixes.py 256 256`: 65,536
# instances, 65,536 distinct fixes in one group. Cost probed: `replay --all` (text), the group's distinct fixes.
import string, sys
D, R = int(sys.argv[1]), int(sys.argv[2])
L = string.ascii_lowercase
def name(prefix, i):
    s = ""
    for _ in range(3):
        s = L[i % 26] + s
        i //= 26
    return prefix + s
out = ['scenario "report probe: one group, a fix per instance"', 'arch arm64', 'cpu cpu0']
out += [f"device {name('d', d)}" for d in range(D)]
out += [f"ram {name('r', i)} 0x1000_0000 + {8 * i} size 8" for i in range(R)]
out.append(f"repeat {R} as i {{")
for d in range(D):
    out.append(f'  {name("d", d)}: dma_write raaa + 8*i size 8 = 1 @ "nic: rx"')
    out.append('  cpu0: store raaa + 8*i size 8 = 2 @ "drv: reuse"')
out.append("}")
print("\n".join(out))
