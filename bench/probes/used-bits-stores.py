# Prints a scenario whose fetches alternate with cpu stores to the entry they read, on a table with used bits:
# R rules of C conditions each (every condition holds: bits 6:0 of byte k > 0 are 0), over an entry of E bytes in
# 8-byte granules; the rules use only bits 7:1 of byte 0, which no store changes, so no fetch is torn and every
# read after a store asks the used bits again. N one-byte stores each toggle bit 7 of a byte of the granule the
# fetch reads next. `python3 used-bits-stores.py 1024 256 256 2000`: the header's 262,144 conditions (1.3 MB),
# 2,000 stores. Cost probed: `replay` (torn-entry-fetch, and the engine's "store changes used bits"), per store.
# A fifth argument `alternate`: no fetches; entries 0 and 1 hold 1 and 2 in every byte (every rule fails at its first
# condition), and the N stores alternate between them: each store's entry differs from the last one asked about at
# every condition byte (what UsedOutcomes evaluates whole instead of visiting every condition touched).
import sys
R, C, E, N = (int(a) for a in sys.argv[1:5])
alternate = sys.argv[5:] == ["alternate"]
G = E // 8
out = ['scenario "used bits: fetch reads alternating with stores to the entry"', 'arch arm64', 'cpu cpu0', 'device smmu',
       f'table ste 0x40_0000 entries 4 entry_size {E} granule 8 present bit 0 fetcher smmu']
out += [f"field ste B{k} bits {8 * k + 7}:{8 * k}" for k in range(E)]
for r in range(R):
    conds = " and ".join(f"B{1 + (r * C + i) % (E - 1)} & 0x7f = 0" for i in range(C))
    out.append(f"used ste bits 7:1 when {conds}")
if alternate:
    out[0] = 'scenario "used bits: stores alternating between two entries whose condition bytes all differ"'
    for e, v in ((0, 1), (1, 2)):
        for q in range(G):
            out.append(f"cpu0: store ste[{e}] + {8 * q} size 8 = {int.from_bytes(bytes([1 if q == 0 else v] + [v] * 7), 'little')}")
    for i in range(N):
        e, k = i % 2, 1 + (i // 2) % (E - 1)
        out.append(f"cpu0: store ste[{e}] + {k} size 1 = {(1 + e) | (0x80 if (i // 2 // (E - 1)) % 2 == 0 else 0)}")
    print("\n".join(out))
    sys.exit()
out.append("cpu0: store ste[0] size 1 = 1")
out.append("smmu: fetch ste[0] granule 0")
done, run = 0, 0
while done < N:
    for g in range(1, G):
        if done == N: break
        out.append(f"cpu0: store ste[0] + {8 * g + run % 8} size 1 = {0x80 * ((run // 8 + 1) % 2)}")
        out.append(f"smmu: fetch ste[0] granule {g}")
        done += 1
    run += 1
    out.append("smmu: fetch ste[0] granule 0")
print("\n".join(out))
