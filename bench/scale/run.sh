#!/usr/bin/env bash
# Replay at scale: a driver-mix trace past 2^31 events, against 10^7 events interleaved, as a table.
#
#   bench/scale/run.sh [--events N] [--rounds R] [--keep] [--out DIR]
#
# Publishes the native AOT CLI (the JIT build stands in when the publish fails), writes two driver-mix traces with
# `tracetools synth --profile driver-mix --seed 1 --arch arm64`: N events (default 2,500,000,000: indices past
# int.MaxValue; about 7.8 GB and two minutes) and 10^7. Then R rounds (default 2), interleaved: three replays of
# the 10^7 trace, then one of the N trace, all `replay --stats --quiet --threads 1` under /usr/bin/time (peak
# RSS), the big one's RSS sampled every 10 s; and one `--threads 2` replay of the N trace at the end.
# Prints events/s (the replay's own, start-up excluded) per run and as medians, the ratio of the big trace's
# median to the small one's, peak RSS, and the RSS samples of the first big run. Fails (exit 1) when a replay of
# the big trace does not report all N events, or exits other than 0 (the mix injects no bug: no finding).
# On a shared host a 200-second run meets more of the other tenants' bursts than a 0.8-second one: read the
# ratio per round, not only the medians. Numbers and their reading: docs/replay-engine.md, "Traces past 2^31
# events".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
events=2500000000 rounds=2 keep=0 work=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --keep) keep=1 ;;
    --out) work="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "scale/run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
[[ "$events" =~ ^[0-9]+$ && "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "scale/run.sh: --events and --rounds take positive integers" >&2; exit 2; }
/usr/bin/time -v true >/dev/null 2>&1 || { echo "scale/run.sh: needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }

[[ -n "$work" ]] || work="$(mktemp -d "${TMPDIR:-/tmp}/tracetools-scale.XXXXXX")"
mkdir -p "$work"
cleanup() { [[ $keep -eq 1 ]] || rm -rf "$work"; }
trap cleanup EXIT

echo "scale/run.sh: publishing the native AOT binary" >&2
cli="$work/aot/tracetools"
if ! dotnet publish -c Release -r linux-x64 "$root/src/Cli/Cli.csproj" -o "$work/aot" -nologo -v quiet >"$work/publish.log" 2>&1 || [[ ! -x "$cli" ]]; then
  echo "scale/run.sh: the AOT publish failed (see $work/publish.log with --keep); using the JIT build" >&2
  dotnet build -c Release "$root/src/Cli/Cli.csproj" -nologo -v quiet >&2
  cli="$root/src/Cli/bin/Release/net10.0/tracetools"
fi

small="$work/small.trace" big="$work/big.trace"
for pair in "10000000 $small" "$events $big"; do
  set -- $pair
  echo "scale/run.sh: synth $1 events" >&2
  "$cli" synth --profile driver-mix --events "$1" --seed 1 --arch arm64 -o "$2" >&2
done

# replay TRACE THREADS TAG: appends "TAG RATE RSS_KB RC COUNT" to $work/runs.txt.
replay() {
  local out="$work/out.txt" rc=0
  /usr/bin/time -f "rss %M" "$cli" replay "$1" --stats --quiet --threads "$2" >"$out" 2>&1 || rc=$?
  local rate count rss
  rate=$(sed -n 's/.*(\([0-9.e+]*\) events\/s.*/\1/p' "$out" | head -1)
  count=$(sed -n 's/^replayed \([0-9]*\) events.*/\1/p' "$out" | head -1)
  rss=$(sed -n 's/^rss \([0-9]*\)$/\1/p' "$out" | tail -1)
  echo "$3 ${rate:-n/a} ${rss:-n/a} $rc ${count:-0}" >>"$work/runs.txt"
}

# samples PID: the RSS (KB) every 10 s while PID lives, to $work/rss.txt.
samples() {
  local start=$SECONDS
  while kill -0 "$1" 2>/dev/null; do
    local kb; kb=$(awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || true)
    [[ -n "$kb" ]] && echo "$((SECONDS - start)) $kb" >>"$work/rss.txt"
    sleep 10
  done
}

: >"$work/runs.txt"; : >"$work/rss.txt"
for ((r = 1; r <= rounds; r++)); do
  for k in 1 2 3; do replay "$small" 1 "small-r$r"; done
  echo "scale/run.sh: round $r, the big trace" >&2
  if [[ $r -eq 1 ]]; then
    replay "$big" 1 "big-r$r" &
    sleep 1
    samples "$(pgrep -n -f "tracetools replay $big" || echo 0)"
    wait
  else
    replay "$big" 1 "big-r$r"
  fi
done
replay "$big" 2 "big-threads2"

median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
small_med=$(awk '/^small/ {print $2}' "$work/runs.txt" | median)
big_med=$(awk '/^big-r/ {print $2}' "$work/runs.txt" | median)

echo "## Replay at scale: driver mix, $events against 10^7 events ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| run | trace | threads | M events/s | peak RSS MB | exit | events replayed |"
echo "|---|---:|---:|---:|---:|---:|---:|"
fail=0
while read -r tag rate rss rc count; do
  case "$tag" in small*) n=10000000 ;; *) n=$events ;; esac
  threads=1; [[ "$tag" == *threads2 ]] && threads=2
  mps=$(awk -v r="$rate" 'BEGIN {printf (r == "n/a" ? "n/a" : "%.2f"), r / 1e6}')
  mb=$(awk -v k="$rss" 'BEGIN {printf (k == "n/a" ? "n/a" : "%.0f"), k / 1024}')
  echo "| $tag | $n | $threads | $mps | $mb | $rc | $count |"
  if [[ "$tag" == big* && ( "$rc" != 0 || "$count" != "$events" ) ]]; then fail=1; fi
done <"$work/runs.txt"
echo
awk -v s="$small_med" -v b="$big_med" 'BEGIN {
  if (s == "n/a" || b == "n/a") print "medians: n/a";
  else printf "Medians, one thread: 10^7 %.2f, big %.2f M events/s; big / 10^7 = %.2f\n", s / 1e6, b / 1e6, b / s }'
echo
echo "RSS of the first big run every 10 s (s: MB): $(awk '{printf "%s%d: %.0f", (NR > 1 ? ", " : ""), $1, $2 / 1024}' "$work/rss.txt")"
if [[ $fail -ne 0 ]]; then
  echo "scale/run.sh: FAIL: a replay of the big trace did not end with exit 0 and all $events events" >&2
  exit 1
fi
