#!/usr/bin/env bash
# End-to-end throughput of the tracetools CLI on synthetic driver traces.
#
#   bench/run.sh [--quick] [--keep] [--readme FILE] [--out DIR] [--bdn FILTER]... [--baseline REV] [--rounds R]
#                [--events N[,N...]] [--pin CPU]
#
# Builds Release and publishes the native AOT binary (`dotnet publish -r linux-x64`, Cli.csproj's PublishAot: what
# README "Build a native binary" ships; the JIT build stands in when the publish fails), then for N = 10^7 and
# 10^8 events (10^5 and 10^6 with --quick; --events picks the sizes), all with the AOT binary:
#   gen            tracetools gen bench/scenarios/gen-ring-1e8.scn     (events/s, peak RSS)
#   synth          tracetools synth --profile driver-mix --events N   (events/s, peak RSS)
#   bytes/event    trace file size / N (the writer's default codec, LZ4)
#   decode only    tracetools replay --decode-only --stats             (events/s)
#   replay 1 core  tracetools replay --stats $REPLAY_SERIAL_ARGS       (all detectors, single-threaded)
#   replay 2 cores tracetools replay --stats $REPLAY_PIPELINED_ARGS    (all detectors, decode on a second core)
# Then, on that trace, the references and the baseline, interleaved (each round runs every item once,
# A B A B ..., R rounds, default 3; the table shows medians):
#   engine         replay --threads 1 (all detectors; the contract's nine alone, what the baseline runs as all) and
#                  --detectors dma-race, and --threads 2
#   engine (JIT)   replay --threads 1 (all detectors) by the JIT build of the same source (`dotnet build`)
#   v1 file        the baseline reads only format v1, which cannot encode the kinds 16..25 the driver mix now has
#                  (smc/ret, quiesce, dma_map/unmap, iommu_mode, handover: about 1 % of its events), so
#                  `TraceTools.Bench v1copy` (bench/Refs/V1Copy.cs) copies the trace to format v1 leaving those
#                  events out: every other event as it is, in order, without the census a v4 trace carries
#   engine, v1     the nine and dma-race runs again, on the v1 file, and on the same events in format v4 (`v1copy
#                  --format-version 4`: the engine's own format, with its census)
#   baseline       the same two runs by the engine built at REV (default cc56979, the commit before the
#                  engine-v2 work; a temporary `git worktree`, Release build), on the v1 file: the very events of
#                  the "engine, v1" runs; a JIT build, as shipped then
#   references     TraceTools.Bench refs (bench/Refs): raw LZ4 decompression of the trace's own chunks, the
#                  column decode of the same chunks, the reader end to end, and the lean single-pass bound
#                  (per-agent clocks + an 8-byte-word FastTrack check: the dma-race work only) over the
#                  decoded batches, alone and with the decode
# and prints the ratios: decode / LZ4, engine / lean bound, engine / LZ4, current / baseline (the nine,
# dma-race) on the same events each in its own format (the engine on the v4 copy, with its census; the baseline
# on the v1 file) and both on the v1 file (the engines alone, neither with a census), --threads 2 /
# --threads 1, AOT / JIT (all detectors): as ratios of the medians, and again round by round (each round's two
# numbers, their median and range over the rounds; on a host whose speed drifts, the steadier of the two).
# (The baseline's own `synth --profile driver-mix` is no stand-in: the profile gained the eth and FF-A protocols
# after cc56979, so the two builds' traces part at the first eth step, event 714 of seed 1, and differ in size.)
# Prints Markdown tables (also written to bench/results.md; with --readme FILE, the block between
# "<!-- bench:begin -->" and "<!-- bench:end -->" in FILE is replaced by them).
# Events/s come from the replay's --stats JSON when it reports them, else from wall time (startup
# included). Peak RSS comes from /usr/bin/time -v (GNU time; installed with apt-get if missing).
# A step the CLI refuses (exit 2) shows as n/a; the script goes on.
# --pin CPU runs every single-threaded step under `taskset -c CPU` (the --threads 2 rows stay free to use every
# core): on a VM whose cores run at different speeds (host contention), unpinned runs land on either and the
# medians mix two speeds; pinned, every single-thread row (engine, baseline, references) runs on the same core.
# The price: the JIT-compiled rows (the references, the baseline, the JIT build) then share that core with the
# runtime's background compiler, which unpinned runs on the other core. On a machine with even cores the lean bound
# ran 1.7x slower pinned (27.6 vs 47.5 M events/s on a 10^7 trace; 49.2 pinned with DOTNET_TieredCompilation=0,
# so it is the tiering, not the core) while the native engine did not move: pinned, the ratios to the references
# flatter the engine. Use it only when the cores really differ (a pinned loop on each tells).
# Working files (outputs, logs, the baseline's build) go to a temporary directory, removed at exit unless --keep;
# --out DIR puts them in DIR instead and keeps it (a directory the caller named is never removed; traces are).
# --bdn FILTER (repeatable) also runs those BenchmarkDotNet suites with a short job (e.g.
# --bdn '*Decode*' for decode per codec when the CLI has no decode-only mode) and appends their tables.
#
# Targets (reported, not asserted; issue 9): column decode >= 0.75x raw LZ4 of the same chunks; the nine
# detectors >= 0.5x the lean bound (the bound with the decode, as the engine's rate includes it; all detectors
# shown too); the nine >= 4x the baseline's nine on the same events, each engine in its own format (dma-race alone >= 5x);
# --threads 2 >= 1.5x --threads 1 on a quiet machine; <= 3 bytes/event with LZ4; peak RSS flat as N grows.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
quick=0 keep=0 readme="" work=""
bdn=()
sizes_arg=()
baseline="cc56979" rounds=3 pin=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --keep) keep=1 ;;
    --readme) readme="$2"; shift ;;
    --out) work="$2"; keep=1; shift ;;
    --bdn) bdn+=("$2"); shift ;;
    --baseline) baseline="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --events) IFS=, read -r -a sizes_arg <<<"$2"; shift ;;
    --pin) pin="$2"; shift ;;
    -h|--help) sed -n '2,60p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done

# The contract's nine detectors (model.md §4): the baseline's "all", so the target ratio compares like with like.
nine="stale-dma-read,stale-cpu-read,dma-race,torn-entry-fetch,missing-flush-after-clear,present-before-payload,torn-entry-update,missing-cache-clean,missing-cache-invalidate"
: "${REPLAY_SERIAL_ARGS:=--threads 1}"
: "${REPLAY_PIPELINED_ARGS:=--threads 2}"
: "${SYNTH_ARCH:=arm64}"
: "${SYNTH_SEED:=1}"

# --events N[,N...] or BENCH_SIZES="N ..." replaces the sizes (e.g. 10000000 for the 10^7 trace alone).
if [[ ${#sizes_arg[@]} -gt 0 ]]; then sizes=("${sizes_arg[@]}")
elif [[ -n "${BENCH_SIZES:-}" ]]; then read -ra sizes <<<"$BENCH_SIZES"
elif [[ $quick -eq 1 ]]; then sizes=(100000 1000000); else sizes=(10000000 100000000); fi

if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time -v true >/dev/null 2>&1; then
  echo "run.sh: GNU time not found, installing the Debian package 'time'" >&2
  if command -v apt-get >/dev/null; then
    sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get install -y time >/dev/null 2>&1 || true
  fi
fi
have_time=0
[[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1 && have_time=1

echo "run.sh: building Release" >&2
dotnet build -c Release "$root/src/Cli/Cli.csproj" -nologo -v quiet >&2
dotnet build -c Release "$root/bench/TraceTools.Bench.csproj" -nologo -v quiet >&2
jit_cli="$root/src/Cli/bin/Release/net10.0/tracetools"
tool=(dotnet "$root/bench/bin/Release/net10.0/TraceTools.Bench.dll")
refs=("${tool[@]}" refs)
[[ -x "$jit_cli" ]] || { echo "run.sh: $jit_cli was not built" >&2; exit 2; }

if [[ -z "$work" ]]; then work="$(mktemp -d "${TMPDIR:-/tmp}/tracetools-bench.XXXXXX")"; fi
mkdir -p "$work"

# The engine rows run the native AOT binary (compiled for this cpu: Cli.csproj's IlcInstructionSet).
echo "run.sh: publishing the native AOT binary" >&2
cli="$work/aot/tracetools"
if ! dotnet publish -c Release -r linux-x64 "$root/src/Cli/Cli.csproj" -o "$work/aot" -nologo -v quiet >"$work/publish.log" 2>&1 || [[ ! -x "$cli" ]]; then
  echo "run.sh: the native AOT publish failed (see $work/publish.log with --keep); the engine rows use the JIT build" >&2
  cli="$jit_cli"
fi
base_tree=""
cleanup() {
  if [[ -n "$base_tree" ]]; then git -C "$root" worktree remove --force "$base_tree" >/dev/null 2>&1 || true; fi
  [[ $keep -eq 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

# The baseline engine: REV checked out into a temporary worktree and built there (Release).
base_cli=""
if [[ "$baseline" != "none" ]]; then
  base_tree="$work/baseline-src"
  echo "run.sh: building the baseline $baseline in $base_tree" >&2
  if git -C "$root" worktree add --detach "$base_tree" "$baseline" >/dev/null 2>&1 \
     && dotnet build -c Release "$base_tree/src/Cli/Cli.csproj" -nologo -v quiet >&2; then
    base_cli="$base_tree/src/Cli/bin/Release/net10.0/tracetools"
  else
    echo "run.sh: could not build the baseline $baseline; its ratios show as n/a" >&2
  fi
fi

now() { date +%s.%N; }

# one: the prefix of a single-threaded step (taskset with --pin, else nothing).
one=()
[[ -n "$pin" ]] && one=(taskset -c "$pin")

# run NAME CMD...: runs CMD with stdout to $work/NAME.out; sets rc, secs, rss_mb.
run() {
  local name="$1"; shift
  local t0 t1
  t0=$(now)
  set +e
  if [[ $have_time -eq 1 ]]; then
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err"
  else
    "$@" >"$work/$name.out" 2>"$work/$name.err"
  fi
  rc=$?
  set -e
  t1=$(now)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  rss_mb="n/a"
  if [[ $have_time -eq 1 && -f "$work/$name.time" ]]; then
    rss_mb=$(awk -F': *' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/$name.time")
  fi
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then
    echo "run.sh: $name exited $rc: $(head -c 300 "$work/$name.err")" >&2
  fi
}

# rate N: M events/s from the --stats JSON of the last run, else N / wall seconds.
rate() {
  local n="$1" name="$2" eps
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then echo "n/a"; return; fi
  eps=$(grep -o '"events_per_second" *: *[0-9.eE+-]*' "$work/$name.out" 2>/dev/null | head -1 | sed 's/.*: *//')
  if [[ -n "$eps" ]]; then
    awk -v e="$eps" 'BEGIN { printf "%.1f", e / 1e6 }'
  else
    awk -v n="$n" -v s="$secs" 'BEGIN { if (s > 0) printf "%.1f", n / s / 1e6; else print "n/a" }'
  fi
}

# median VALUES...: the middle value, the mean of the two middle ones for an even count (n/a when none).
median() {
  printf '%s\n' "$@" | { grep -E '^[0-9.]+$' || true; } | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# ratio A B: A / B to two decimals, n/a when either is missing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# paired "A1 A2 ..." "B1 B2 ...": the ratio Ar / Br of each round where both are numbers, as "median (min–max)"
# (n/a when no round has both). A host whose speed drifts between rounds moves both of a round's numbers, so the
# ratio within a round varies less than the ratio of the two medians.
paired() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    na = split(a, x, " "); split(b, y, " "); n = 0
    for (i = 1; i <= na; i++) if (x[i] ~ /^[0-9.]+$/ && y[i] ~ /^[0-9.]+$/ && y[i] > 0) r[++n] = x[i] / y[i]
    if (n == 0) { print "n/a"; exit }
    for (i = 2; i <= n; i++) { v = r[i]; for (j = i - 1; j >= 1 && r[j] > v; j--) r[j + 1] = r[j]; r[j + 1] = v }
    m = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
    printf "%.2f (%.2f–%.2f)", m, r[1], r[n] }'
}

engine_build="native AOT"; [[ "$cli" == "$jit_cli" ]] && engine_build="JIT: the AOT publish failed"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "n/a")
rows=()
ref_rows=()
ratio_rows=()
pair_rows=()
for n in "${sizes[@]}"; do
  trace="$work/driver-mix-$n.trace"
  echo "run.sh: N = $n" >&2

  # gen: the scenario compiler into the trace writer, on a tx-ring loop of 10 events an iteration.
  run "gen-$n" "${one[@]}" "$cli" gen "$root/bench/scenarios/gen-ring-1e8.scn" --set "iterations=$((n / 10))" -o "$work/gen-$n.trace"
  gen_rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.1f", n / s / 1e6 }'); gen_rss=$rss_mb
  [[ $rc -eq 0 ]] || gen_rate="n/a"
  rm -f "$work/gen-$n.trace"

  run "synth-$n" "${one[@]}" "$cli" synth --profile driver-mix --events "$n" --seed "$SYNTH_SEED" --arch "$SYNTH_ARCH" --quiet -o "$trace"
  synth_rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.1f", n / s / 1e6 }'); synth_rss=$rss_mb
  [[ $rc -eq 0 ]] || synth_rate="n/a"

  bpe="n/a"
  if [[ -f "$trace" ]]; then
    bpe=$(awk -v b="$(stat -c %s "$trace")" -v n="$n" 'BEGIN { printf "%.2f", b / n }')
    run "info-$n" "$cli" info "$trace"
    [[ $rc -eq 0 ]] && sed 's/^/    /' "$work/info-$n.out" >&2
  fi

  # shellcheck disable=SC2086 # the *_ARGS variables are lists of options
  run "decode-$n" "${one[@]}" "$cli" replay "$trace" --decode-only --stats --format json
  decode_rate=$(rate "$n" "decode-$n"); decode_rss=$rss_mb
  if [[ "$decode_rate" == "n/a" && ${#bdn[@]} -eq 0 ]]; then
    echo "run.sh: no decode-only mode in the CLI; for decode per codec add --bdn '*Decode*'" >&2
    decode_rss="n/a"
  fi

  # shellcheck disable=SC2086
  run "replay1-$n" "${one[@]}" "$cli" replay "$trace" --stats --format json $REPLAY_SERIAL_ARGS
  replay1_rate=$(rate "$n" "replay1-$n"); replay1_rss=$rss_mb

  # shellcheck disable=SC2086
  run "replay2-$n" "$cli" replay "$trace" --stats --format json $REPLAY_PIPELINED_ARGS
  replay2_rate=$(rate "$n" "replay2-$n"); replay2_rss=$rss_mb

  rows+=("| $(printf "%'d" "$n" 2>/dev/null || echo "$n") | $gen_rate | $synth_rate | $decode_rate | $replay1_rate | $replay2_rate | $bpe | $gen_rss / $synth_rss / $decode_rss / $replay1_rss / $replay2_rss |")

  # The v1 file: the trace in format v1 without the kinds v1 cannot encode, for the baseline and the engine alike.
  # The same events in the engine's own format v4 (with its census): the engine there against the baseline on the v1
  # file is each engine on the same events in the format it writes.
  v1_trace="$work/driver-mix-$n.v1.trace" v1_n="n/a" same_trace="$work/driver-mix-$n.same-v4.trace"
  if [[ -n "$base_cli" && -f "$trace" ]]; then
    run "v1copy-$n" "${tool[@]}" v1copy "$trace" "$v1_trace"
    if [[ $rc -eq 0 ]]; then
      v1_n=$(awk '$1 == "kept" { print $2 }' "$work/v1copy-$n.out")
      sed 's/^/    /' "$work/v1copy-$n.err" >&2
      run "v4copy-$n" "${tool[@]}" v1copy "$trace" "$same_trace" --format-version 4
      [[ $rc -eq 0 ]] || rm -f "$same_trace"
    else
      rm -f "$v1_trace"
    fi
  fi

  # The interleaved rounds, medians over rounds: the engine and the references on the trace; the engine and the
  # baseline on the v1 file (the same events for both).
  declare -A got=()
  for ((r = 1; r <= rounds; r++)); do
    echo "run.sh: N = $n, round $r/$rounds" >&2
    run "all-$n" "${one[@]}" "$cli" replay "$trace" --stats --format json --quiet --threads 1
    got[all]+=" $(rate "$n" "all-$n")"
    run "nine-$n" "${one[@]}" "$cli" replay "$trace" --stats --format json --quiet --threads 1 --detectors "$nine"
    got[nine]+=" $(rate "$n" "nine-$n")"
    if [[ -f "$v1_trace" ]]; then
      run "nine-v1-$n" "${one[@]}" "$cli" replay "$v1_trace" --stats --format json --quiet --threads 1 --detectors "$nine"
      got[nine_v1]+=" $(rate "$v1_n" "nine-v1-$n")"
      if [[ -f "$same_trace" ]]; then
        run "nine-same-$n" "${one[@]}" "$cli" replay "$same_trace" --stats --format json --quiet --threads 1 --detectors "$nine"
        got[nine_same]+=" $(rate "$v1_n" "nine-same-$n")"
      fi
      run "base-all-$n" "${one[@]}" "$base_cli" replay "$v1_trace" --stats --format json --quiet --threads 1
      got[base_all]+=" $(rate "$v1_n" "base-all-$n")"
    fi
    run "jit-all-$n" "${one[@]}" "$jit_cli" replay "$trace" --stats --format json --quiet --threads 1
    got[jit_all]+=" $(rate "$n" "jit-all-$n")"
    run "dma-$n" "${one[@]}" "$cli" replay "$trace" --stats --format json --quiet --threads 1 --detectors dma-race
    got[dma]+=" $(rate "$n" "dma-$n")"
    if [[ -f "$v1_trace" ]]; then
      run "dma-v1-$n" "${one[@]}" "$cli" replay "$v1_trace" --stats --format json --quiet --threads 1 --detectors dma-race
      got[dma_v1]+=" $(rate "$v1_n" "dma-v1-$n")"
      if [[ -f "$same_trace" ]]; then
        run "dma-same-$n" "${one[@]}" "$cli" replay "$same_trace" --stats --format json --quiet --threads 1 --detectors dma-race
        got[dma_same]+=" $(rate "$v1_n" "dma-same-$n")"
      fi
      run "base-dma-$n" "${one[@]}" "$base_cli" replay "$v1_trace" --stats --format json --quiet --threads 1 --detectors dma-race
      got[base_dma]+=" $(rate "$v1_n" "base-dma-$n")"
    fi
    run "t2-$n" "$cli" replay "$trace" --stats --format json --quiet --threads 2
    got[t2]+=" $(rate "$n" "t2-$n")"
    set +e
    "${one[@]}" "${refs[@]}" "$trace" --rounds 1 >"$work/refs-$n.out" 2>"$work/refs-$n.err"
    set -e
    for k in lz4 columns decode lean decode_lean; do
      # n/a when the references failed: every round keeps its place in the list (the round-by-round ratios pair them).
      got[$k]+=" $(awk -v k="$k" '$1 == k { printf "%.1f", $2 / 1e6; f = 1 } END { if (!f) printf "n/a" }' "$work/refs-$n.out")"
    done
  done
  declare -A med=()
  for k in all nine nine_v1 nine_same jit_all base_all dma dma_v1 dma_same base_dma t2 lz4 columns decode lean decode_lean; do
    # shellcheck disable=SC2086 # the samples are a space-separated list
    med[$k]=$(median ${got[$k]:-})
  done
  label=$(printf "%'d" "$n" 2>/dev/null || echo "$n")
  # When the AOT publish failed both columns are the JIT build: no AOT / JIT ratio to show.
  aot_jit=$(ratio "${med[all]}" "${med[jit_all]}"); [[ "$cli" == "$jit_cli" ]] && aot_jit="n/a"
  v1_label=$(printf "%'d" "$v1_n" 2>/dev/null || echo "$v1_n")
  ref_rows+=("| $label | ${med[all]} | ${med[nine]} | ${med[dma]} | ${med[t2]} | ${med[jit_all]} | $v1_label | ${med[nine_same]} | ${med[dma_same]} | ${med[nine_v1]} | ${med[dma_v1]} | ${med[base_all]} | ${med[base_dma]} | ${med[lz4]} | ${med[columns]} | ${med[decode]} | ${med[lean]} | ${med[decode_lean]} |")
  ratio_rows+=("| $label | $(ratio "${med[columns]}" "${med[lz4]}") | $(ratio "${med[decode]}" "${med[lz4]}") | $(ratio "${med[all]}" "${med[decode_lean]}") | $(ratio "${med[nine]}" "${med[decode_lean]}") | $(ratio "${med[all]}" "${med[lz4]}") | $(ratio "${med[nine_same]}" "${med[base_all]}") | $(ratio "${med[dma_same]}" "${med[base_dma]}") | $(ratio "${med[nine_v1]}" "${med[base_all]}") | $(ratio "${med[dma_v1]}" "${med[base_dma]}") | $(ratio "${med[t2]}" "${med[all]}") | $aot_jit |")
  pair_rows+=("| $label | $(paired "${got[columns]:-}" "${got[lz4]:-}") | $(paired "${got[all]:-}" "${got[decode_lean]:-}") | $(paired "${got[nine]:-}" "${got[decode_lean]:-}") | $(paired "${got[nine_same]:-}" "${got[base_all]:-}") | $(paired "${got[dma_same]:-}" "${got[base_dma]:-}") | $(paired "${got[t2]:-}" "${got[all]:-}") |")
  unset got med
  rm -f "$trace" "$trace.truth.json" "$v1_trace" "$same_trace"
done

{
  echo "Driver-mix trace ($SYNTH_ARCH, seed $SYNTH_SEED), $(nproc) cores, $(date -u +%Y-%m-%d), load average $load_before at the start. Throughput in M events/s.${pin:+ Single-threaded steps pinned to cpu $pin (\`taskset\`); \`--threads 2\` free on all cores.}"
  echo
  echo "| events | gen | synth | decode only | replay, 1 core | replay, decode on 2nd core | bytes/event | peak RSS MB (gen / synth / decode / replay 1 / replay 2) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Interleaved in one run ($rounds rounds, medians; M events/s): the engine ($engine_build) single-threaded with all"
  echo "detectors (the contract's nine and the project's seven), with the nine alone (what the baseline runs as all), with"
  echo "\`--detectors dma-race\`, with \`--threads 2\`; the same source as a JIT build, all detectors; all of these on the"
  echo "v4 trace synth wrote. The v1 file: that trace copied to format v1 (\`TraceTools.Bench v1copy\`), the only version the"
  echo "baseline reads, without the events of the kinds v1 cannot encode (smc/ret, quiesce, dma_map/unmap, iommu_mode,"
  echo "handover; the file's event count is shown) and without the census; on it, the engine with the nine and with dma-race,"
  echo "and the baseline engine ($baseline, JIT: its nine detectors) with all and with dma-race. The same events in v4: the"
  echo "same copy in the engine's own format, with the census its writer computes; on it, the engine with the nine and with"
  echo "dma-race. So \"/ baseline, same events\" is each engine on identical events in the format it writes (what the census"
  echo "saves included: it is part of the engine's format), and \"/ baseline, both v1\" the engines alone on one file. Raw LZ4"
  echo "decompression of the v4 trace's own chunks; their column decode; the reader end to end; the lean bound"
  echo "(bench/Refs/LeanBound.cs) alone and with the decode."
  echo
  echo "| events | all detectors | the nine | dma-race | --threads 2 | all detectors, JIT | same events: count | the nine, same events v4 | dma-race, same events v4 | the nine, v1 file | dma-race, v1 file | baseline all (nine), v1 file | baseline dma-race, v1 file | raw LZ4 | column decode | reader | lean bound | decode + lean |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ref_rows[@]}"
  echo
  echo "| events | column decode / LZ4 | reader / LZ4 | all / (decode + lean) | nine / (decode + lean) | all / LZ4 | nine / baseline, same events | dma-race / baseline, same events | nine / baseline, both v1 | dma-race / baseline, both v1 | --threads 2 / 1 | AOT / JIT |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ratio_rows[@]}"
  echo
  echo "The same ratios round by round (each round's two numbers, median over rounds, min–max):"
  echo
  echo "| events | column decode / LZ4 | all / (decode + lean) | nine / (decode + lean) | nine / baseline, same events | dma-race / baseline, same events | --threads 2 / 1 |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${pair_rows[@]}"
} >"$work/table.md"

if [[ ${#bdn[@]} -gt 0 ]]; then
  echo "run.sh: BenchmarkDotNet ${bdn[*]}" >&2
  dotnet build -c Release "$root/bench/TraceTools.Bench.csproj" -nologo -v quiet >&2
  set +e
  (cd "$root" && dotnet run -c Release --project bench --no-build -- --filter "${bdn[@]}" --job short) \
    >"$work/bdn.out" 2>&1
  set -e
  { echo; echo "BenchmarkDotNet (${bdn[*]}, short job):"; echo; grep -E '^\|' "$work/bdn.out" || echo "(no results: see $work/bdn.out)"; } >>"$work/table.md"
fi

cat "$work/table.md"
cp "$work/table.md" "$here/results.md"

if [[ -n "$readme" ]]; then
  if grep -q '<!-- bench:begin -->' "$readme" && grep -q '<!-- bench:end -->' "$readme"; then
    awk -v table="$work/table.md" '
      /<!-- bench:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
      /<!-- bench:end -->/ { skip = 0 }
      !skip { print }' "$readme" >"$readme.tmp" && mv "$readme.tmp" "$readme"
    echo "run.sh: updated $readme" >&2
  else
    echo "run.sh: $readme has no <!-- bench:begin --> / <!-- bench:end --> markers; not updated" >&2
  fi
fi
