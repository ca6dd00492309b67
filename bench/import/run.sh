#!/usr/bin/env bash
# Import throughput at 10^7 lines per format: lines/s, events/s and peak RSS (/usr/bin/time -v).
# usage: bench/import/run.sh [DIR] [LINES]   (inputs are generated into DIR, default /tmp/tt-import-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/tt-import-bench}
lines=${2:-10000000}
[ -f "$dir/qemu.txt" ] || python3 bench/import/make-inputs.py "$dir" "$lines"
dotnet build -c Release src/Cli -v q -nologo >/dev/null
tt=src/Cli/bin/Release/net10.0/tracetools
# Wall time counts waiting for a core on a shared machine; cpu = user + sys is the work done.
printf '| format | lines | events | wall s | cpu s | lines/s (wall) | lines/s (cpu) | events/s (cpu) | peak RSS |\n|---|---|---|---|---|---|---|---|---|\n'
for f in ftrace mmiotrace steps qemu; do
  layout=$dir/layout.scn; [ $f = mmiotrace ] && layout=$dir/layout-x86.scn
  /usr/bin/time -v "$tt" import $f "$dir/$f.txt" --layout "$layout" -o "$dir/$f.trace" 2> "$dir/$f.log" >/dev/null
  ev=$(sed -n 's/^imported \([0-9]*\) events from \([0-9]*\) lines.*/\1 \2/p' "$dir/$f.log")
  secs=$(sed -n 's/.*Elapsed (wall clock) time.*: \(.*\)/\1/p' "$dir/$f.log" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/$f.log")
  cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$dir/$f.log" | awk '{ s += $1 } END { print s }')
  set -- $ev
  awk -v f=$f -v e=$1 -v l=$2 -v s=$secs -v c=$cpu -v r=$rss 'BEGIN { printf "| %s | %d | %d | %.1f | %.1f | %.2f M | %.2f M | %.2f M | %d MB |\n", f, l, e, s, c, l / s / 1e6, l / c / 1e6, e / c / 1e6, r / 1024 }'
done
