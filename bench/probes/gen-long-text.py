# Prints a long scenario for `gen`'s reading of the text. `python3 gen-long-text.py error`: 35 MB, an unknown op on
# line 5, then 6.3 x 10^5 stores with values over 1,000 sites (cost probed: the time and memory before line 5's error
# is reported; without line 5, the valid scenario's). `python3 gen-long-text.py sites`: valid, 10^6 stores each with
# its own site, 49 MB (cost probed: the compile's memory a step; add a bad last line to time the compile alone).
# `python3 gen-long-text.py steps N`: valid, N stores with values over 1,000 sites, the shape of a scenario `dump`
# writes (cost probed: gen's peak RSS against N, which two readings make flat).
import sys
kind = sys.argv[1]
w = sys.stdout.write
w('scenario "probe"\narch arm64\ncpu cpu0\nram buf 0x8000_0000 size 0x10_0000\n')
if kind == 'error':
    w('cpu0: stor buf size 4\n')
    i = size = 0
    while size < 35_000_000:
        line = f'cpu0: store buf + 0x{(i * 8) % 0xff000:x} size 8 = 0x{i:x} @ "site {i % 1000}"\n'
        w(line)
        size += len(line)
        i += 1
elif kind == 'sites':
    w('device nic\n')
    for i in range(1_000_000):
        w(f'cpu0: store buf + 0x{(i * 8) % 0xff000:x} size 8 @ "rx.c:{i}"\n')
    w('expect none\n')
elif kind == 'steps':
    for i in range(int(sys.argv[2])):
        w(f'cpu0: store buf + 0x{(i * 8) % 0xff000:x} size 8 = 0x{i:x} @ "site {i % 1000}"\n')
    w('expect none\n')
else:
    sys.exit('usage: gen-long-text.py error|sites|steps N')
