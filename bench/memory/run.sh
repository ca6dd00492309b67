#!/usr/bin/env bash
# Peak replay memory on the traces issue 9 names (its "Must show"), as a table.
#
#   bench/memory/run.sh [--baseline REV] [--cap MB] [--max-events N] [--keep] [--out DIR]
#
# Builds the Release CLI, writes each trace with `tracetools gen` (the scenarios below) or
# `tracetools synth`, and runs `tracetools replay T --threads 1 --quiet` (all detectors: sixteen kinds, the baseline its nine) under
# /usr/bin/time -v, reading "Maximum resident set size". Traces:
#   stores-1m        1 M 8-byte cpu stores to consecutive words (8 MiB touched)            target <= 64 MB
#   stores-4k        16,328 4-KiB cpu stores, page-aligned (64 MiB touched)                target <= 512 MB
#   stores-4k-odd    the same, each 8 bytes past a page boundary (no whole-page runs)      target <= 512 MB
#   dma-4k           16,328 4-KiB device dma_writes, each read back by a 4-KiB dma_read    target <= 512 MB
#   top              a store, a DMA read and a store on the last page of the 64-bit space  target <= 64 MB
#   sparse-dma       50,000 1-byte device dma_writes, each on a page of its own (one word a page)   no target
#   race-words       50,000 pages, on each two cpus store into one word unordered and a device reads it: dma-race
#                    escalates every page (per-agent times of the bytes touched)                    no target
#   sparse-table     50,000 8-byte table entries stored, one a page (an IOMMU's sparse tables)   no target
#   sparse-table-2   50,000 table pages, two 8-byte entries stored on each 2 KiB apart (PTEs scattered over a page)   no target
#   sparse-dma-2     50,000 pages, two 1-byte dma_writes on each 2 KiB apart (cells: two 8-word blocks a page)   no target
#   sparse-sync      50,000 sync words, one a page, each store-released and load-acquired        no target
#   releases-4k      4,096 agents declared, one cpu releasing into 100,000 sync words: live releases × agents
#                    of clocks but for the arena's sharing (past 64 MiB, unchanged clocks share a slot)   no target
#   driver-mix N     synth --profile driver-mix, N = 10^5, 10^6, 10^7 (to --max-events)   flat in N
# --baseline REV also builds the engine at REV (a temporary git worktree, Release) and runs it on the
# same scenarios, each written by that build (it reads its own format version; the driver-mix rows are the
# profile as that build synthesizes it: for cc56979, without the eth and FF-A protocols added since, so not the
# same events as the current build's). Every replay runs under
# a GC heap cap (--cap MB, default 2048) so an engine that needs more fails with "over cap" instead of
# taking the shared machine's memory. Targets are reported, never asserted.
# Working files go to a temporary directory, removed at exit unless --keep; --out DIR puts them in DIR and
# keeps it (a directory the caller named is never removed; the traces in it are).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
baseline="" cap=2048 max_events=10000000 keep=0 work=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --baseline) baseline="$2"; shift ;;
    --cap) cap="$2"; shift ;;
    --max-events) max_events="$2"; shift ;;
    --keep) keep=1 ;;
    --out) work="$2"; keep=1; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "memory/run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done

/usr/bin/time -v true >/dev/null 2>&1 || { echo "memory/run.sh: needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }
[[ -n "$work" ]] || work="$(mktemp -d "${TMPDIR:-/tmp}/tracetools-memory.XXXXXX")"
mkdir -p "$work"
base_tree=""
cleanup() {
  if [[ -n "$base_tree" ]]; then git -C "$root" worktree remove --force "$base_tree" >/dev/null 2>&1 || true; fi
  [[ $keep -eq 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

echo "memory/run.sh: building Release" >&2
dotnet build -c Release "$root/src/Cli/Cli.csproj" -nologo -v quiet >&2
cli="$root/src/Cli/bin/Release/net10.0/tracetools"
base_cli=""
if [[ -n "$baseline" ]]; then
  base_tree="$work/baseline-src"
  echo "memory/run.sh: building the baseline $baseline" >&2
  if git -C "$root" worktree add --detach "$base_tree" "$baseline" >/dev/null 2>&1 \
     && dotnet build -c Release "$base_tree/src/Cli/Cli.csproj" -nologo -v quiet >&2; then
    base_cli="$base_tree/src/Cli/bin/Release/net10.0/tracetools"
  else
    echo "memory/run.sh: could not build $baseline; its column shows n/a" >&2
  fi
fi

# The scenarios: NAME then its text (gen language, docs/scenario-language.md).
scenario() {
  case "$1" in
    stores-1m) cat <<'SCN'
scenario "1 M 8-byte stores"
arch arm64
cpu cpu0
device d
ram buf 0x1000_0000 size 0x80_0000
repeat 1_000_000 as i {
  cpu0: store buf + i * 8 size 8 = i
}
SCN
    ;;
    stores-4k|stores-4k-odd)
      local skew=0; [[ "$1" == stores-4k-odd ]] && skew=8
      cat <<SCN
scenario "16,328 4-KiB stores"
arch arm64
cpu cpu0
device d
ram buf 0x1_0000_0000 size 0x3FC_9000
repeat 16_328 as i {
  cpu0: store buf + $skew + i * 4096 size 4096 = i
}
SCN
    ;;
    dma-4k) cat <<'SCN'
scenario "16,328 4-KiB DMA writes, each read back"
arch arm64
cpu cpu0
device d
ram buf 0x1_0000_0000 size 0x3FC_8000
repeat 16_328 as i {
  d: dma_write buf + i * 4096 size 4096 = i
  d: dma_read buf + i * 4096 size 4096
}
SCN
    ;;
    sparse-dma) cat <<'SCN'
scenario "50,000 1-byte DMA writes, a page apart"
arch arm64
cpu cpu0
device d
ram buf 0x1_0000_0000 size 0x1000_0000
repeat 50_000 as i {
  d: dma_write buf + i * 4096 size 1 = 1
}
SCN
    ;;
    race-words) cat <<'SCN'
scenario "50,000 pages, two cpus racing in one word of each"
arch arm64
cpu cpu0
cpu cpu1
device d
ram buf 0x1_0000_0000 size 0x1000_0000
repeat 50_000 as i {
  cpu0: store buf + i * 4096 + 3 size 2 = 1
  cpu1: store buf + i * 4096 + 4 size 2 = 1
  d: dma_read buf + i * 4096 size 8
}
SCN
    ;;
    sparse-table) cat <<'SCN'
scenario "50,000 table entries stored, one a page"
arch arm64
cpu cpu0
device iommu
table pt 0x1_0000_0000 entries 25_600_000 entry_size 8 granule 8 present bit 0 fetcher iommu
repeat 50_000 as i {
  cpu0: store pt + i * 4096 size 8 = 0x1001
}
SCN
    ;;
    sparse-table-2) cat <<'SCN'
scenario "50,000 pages of a table, two entries stored on each, 2 KiB apart"
arch arm64
cpu cpu0
device iommu
table pt 0x1_0000_0000 entries 25_600_000 entry_size 8 granule 8 present bit 0 fetcher iommu
repeat 50_000 as i {
  cpu0: store pt + i * 4096 size 8 = 0x1001
  cpu0: store pt + i * 4096 + 2048 size 8 = 0x2001
}
SCN
    ;;
    sparse-dma-2) cat <<'SCN'
scenario "50,000 pages, two 1-byte DMA writes on each, 2 KiB apart"
arch arm64
cpu cpu0
device d
ram buf 0x1_0000_0000 size 0x1000_0000
repeat 50_000 as i {
  d: dma_write buf + i * 4096 size 1 = 1
  d: dma_write buf + i * 4096 + 2048 size 1 = 1
}
SCN
    ;;
    sparse-sync) cat <<'SCN'
scenario "50,000 sync words, one a page, each released and acquired"
arch arm64
cpu cpu0
cpu cpu1
sync flags 0x1_0000_0000 size 0x1000_0000
repeat 50_000 as i {
  cpu0: store_release flags + i * 4096 size 8 = 1
  cpu1: load_acquire flags + i * 4096 size 8
}
SCN
    ;;
    releases-4k)
      echo 'scenario "4,096 agents, one cpu releasing into 100,000 sync words"'
      echo "arch arm64"
      for ((i = 0; i < 4095; i++)); do echo "cpu c$i"; done
      cat <<'SCN'
device d
sync flags 0x2000_0000 size 0x10_0000
repeat 100_000 as i {
  c0: store_release flags + i * 8 size 8 = 1
}
SCN
    ;;
    top) cat <<'SCN'
scenario "store near 2^64"
arch arm64
cpu cpu0
device d
ram buf 0xffff_ffff_ffff_f000 size 0xfff
cpu0: store buf + 0xff0 size 8 = 1
d: dma_read buf + 0xff0 size 8
cpu0: store buf + 0xff0 size 8 = 1
SCN
    ;;
  esac
}

# peak TOOL TRACE: peak RSS of a replay in MB; "over cap (RSS MB)" when it died at the heap cap (the
# engine before word cells reports that as an internal error), else "exit N".
peak() {
  local tool="$1" trace="$2" log="$work/time.log" rc rss
  set +e
  DOTNET_GCHeapHardLimit=$(printf '0x%x' $((cap * 1024 * 1024))) \
    /usr/bin/time -v -o "$log" "$tool" replay "$trace" --threads 1 --quiet >/dev/null 2>"$work/replay.err"
  rc=$?
  set -e
  rss=$(awk -F': *' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
  if [[ $rc -eq 0 || $rc -eq 1 ]]; then echo "$rss"
  elif [[ $rss -ge $((cap * 9 / 10)) ]] || grep -qi "OutOfMemory\|out of memory" "$work/replay.err"; then echo "over cap ($rss)"
  else echo "exit $rc"; fi
}

# make TOOL NAME OUT: writes trace NAME with TOOL.
make_trace() {
  local tool="$1" name="$2" out="$3"
  case "$name" in
    driver-mix-*) "$tool" synth --profile driver-mix --events "${name#driver-mix-}" --seed 1 -o "$out" --quiet >/dev/null ;;
    *) scenario "$name" >"$work/$name.scn"; "$tool" gen "$work/$name.scn" -o "$out" >/dev/null ;;
  esac
}

declare -A target=([stores-1m]="<= 64" [stores-4k]="<= 512" [stores-4k-odd]="<= 512" [dma-4k]="<= 512" [top]="<= 64" [sparse-dma]="–" [race-words]="–" [sparse-table]="–" [sparse-table-2]="–" [sparse-dma-2]="–" [sparse-sync]="–" [releases-4k]="–")
names=(stores-1m stores-4k stores-4k-odd dma-4k top sparse-dma race-words sparse-table sparse-table-2 sparse-dma-2 sparse-sync releases-4k)
for n in 100000 1000000 10000000 100000000; do
  [[ $n -le $max_events ]] && { names+=("driver-mix-$n"); target[driver-mix-$n]="flat"; }
done

echo "| trace | peak RSS (MB) | baseline ${baseline:-–} (MB) | target (MB) |"
echo "|---|---|---|---|"
for name in "${names[@]}"; do
  echo "memory/run.sh: $name" >&2
  make_trace "$cli" "$name" "$work/$name.trace"
  now=$(peak "$cli" "$work/$name.trace")
  base="n/a"
  if [[ -n "$base_cli" ]]; then
    make_trace "$base_cli" "$name" "$work/$name.base.trace" && base=$(peak "$base_cli" "$work/$name.base.trace")
  fi
  rm -f "$work/$name.trace" "$work/$name.base.trace"
  echo "| $name | $now | $base | ${target[$name]} |"
done
echo
echo "Peak RSS of \`tracetools replay T --threads 1 --quiet\` (all detectors: sixteen kinds, the baseline its nine) from /usr/bin/time -v,"
echo "GC heap capped at $cap MB; baseline = the engine built at ${baseline:-(none)} on the same scenario, as written by that build (driver-mix: its own synth, not the same events)."
