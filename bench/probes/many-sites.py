# Prints a scenario whose header holds N distinct sites (2^20, the format's cap, by default) and whose ten events
# use ten of them: `repeat 0` gives every site an id without an event. `python3 many-sites.py 1048576` then
# `gen`: an 8.3 MB trace. Cost probed: opening it (`replay`, `info`, `dump`: the header's sites, read before the
# first event), time and peak RSS against the sites, not the events.
import sys
N = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 20
out = ['scenario "many sites"', 'arch arm64', 'cpu cpu0', 'ram buf 0x1000 size 8', 'repeat 0 as i {']
out += [f'cpu0: store buf size 8 @ "s{i}"' for i in range(N)]
out.append('}')
out += [f'cpu0: store buf size 8 @ "s{i}"' for i in range(10)]
print("\n".join(out))
