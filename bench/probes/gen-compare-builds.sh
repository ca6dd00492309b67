#!/usr/bin/env bash
# Compares `gen` of two builds over every .scn under samples/, tests/ and bench/: the trace bytes, or the error
# (stderr) and exit code, must be the same. The second build runs twice: as it is, and with
# TRACETOOLS_GEN_HELD_STEPS=1, which sends every scenario through gen's two readings (the long-scenario path).
# Each file runs twice more with --max-events 100, where most are refused: the count of the first reading.
# usage: bench/probes/gen-compare-builds.sh OLD/tracetools NEW/tracetools   (from the repository root)
set -u
old=$1 new=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=0 differ=0
run() { # BIN ENV TAG FILE [OPTION ...]
    local bin=$1 vars=$2 tag=$3 file=$4
    shift 4
    env $vars "$bin" gen "$file" -o "$work/out.trace" "$@" >/dev/null 2>"$work/$tag.err"
    echo $? >"$work/$tag.rc"
    if [ -f "$work/out.trace" ]; then mv "$work/out.trace" "$work/$tag.trace"; else rm -f "$work/$tag.trace"; fi
}
same() { # TAG TAG
    cmp -s "$work/$1.rc" "$work/$2.rc" && cmp -s "$work/$1.err" "$work/$2.err" || return 1
    if [ -f "$work/$1.trace" ] || [ -f "$work/$2.trace" ]; then cmp -s "$work/$1.trace" "$work/$2.trace" || return 1; fi
}
while IFS= read -r f; do
    files=$((files + 1))
    for cap in "" "--max-events 100"; do
        run "$old" "" a "$f" $cap
        run "$new" "" b "$f" $cap
        run "$new" "TRACETOOLS_GEN_HELD_STEPS=1" c "$f" $cap
        for t in b c; do
            if ! same a $t; then
                differ=$((differ + 1))
                echo "DIFFERS ($t${cap:+, $cap}): $f (exit $(cat "$work/a.rc") vs $(cat "$work/$t.rc"))"
                diff "$work/a.err" "$work/$t.err" | head -4
            fi
        done
        [ -f "$work/a.trace" ] && ok="trace" || ok="exit $(cat "$work/a.rc")"
        echo "$f${cap:+ $cap}: $ok" >>"$work/log"
    done
done < <(find samples tests bench -name '*.scn' | sort)
echo "files: $files; runs of the old build: $(grep -c ': trace$' "$work/log") traces, $(grep -c ': exit' "$work/log") errors; differing runs: $differ"
[ "$differ" -eq 0 ]
