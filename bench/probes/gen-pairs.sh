#!/usr/bin/env bash
# Times `gen` of one scenario with two builds, pinned to one core, interleaved A B A B, and prints each run and the
# medians: elapsed s, user s, peak RSS MB (/usr/bin/time). Both traces must be byte-identical.
# usage: bench/probes/gen-pairs.sh OLD/tracetools NEW/tracetools SCENARIO.scn PAIRS [CPU]
set -eu
old=$1 new=$2 scn=$3 pairs=$4 cpu=${5:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq "$pairs"); do
    for side in old new; do
        bin=$old; [ $side = new ] && bin=$new
        /usr/bin/time -f "%e %U %M" -o "$work/t" taskset -c "$cpu" "$bin" gen "$scn" -o "$work/$side.trace"
        echo "$side $(cat "$work/t")" | tee -a "$work/runs"
    done
    cmp -s "$work/old.trace" "$work/new.trace" || { echo "traces differ" >&2; exit 1; }
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for side in old new; do
    e=$(awk -v s=$side '$1 == s { print $2 }' "$work/runs" | median)
    u=$(awk -v s=$side '$1 == s { print $3 }' "$work/runs" | median)
    m=$(awk -v s=$side '$1 == s { print $4 / 1024 }' "$work/runs" | median)
    printf '%s median of %d: %.2f s elapsed, %.2f s user, %.1f MB peak RSS\n' $side "$pairs" "$e" "$u" "$m"
done
