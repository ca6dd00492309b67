#!/usr/bin/env bash
# The native AOT binary (what bench/run.sh measures and README "Build a native binary" ships) must report
# exactly what the JIT build reports. Publishes it, then replays with both, `--format json --all`: every
# sample trace, every sample scenario (compiled with `gen`), and synthetic driver-mix traces with injected
# bugs on two architectures; compares stdout and exit codes byte for byte, and `check samples/traces` too;
# and bad input (a corrupt chunk, a missing file, a bad scenario): the same one line on stderr, exit 2.
#   .ci/aot-findings.sh [WORK_DIR]
# Exit 0 when all agree, 1 on the first difference (printed), 2 when the AOT publish itself fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/aot-findings.XXXXXX")}"
mkdir -p "$work"
[[ $# -ge 1 ]] || trap 'rm -rf "$work"' EXIT

dotnet build -c Release "$root/src/Cli/Cli.csproj" -nologo -v quiet >/dev/null
if ! dotnet publish -c Release -r linux-x64 "$root/src/Cli/Cli.csproj" -o "$work/aot" -nologo -v quiet >"$work/publish.log" 2>&1; then
  echo "aot-findings: the native AOT publish failed:" >&2
  tail -20 "$work/publish.log" >&2
  exit 2
fi
jit=(dotnet "$root/src/Cli/bin/Release/net10.0/tracetools.dll")
aot=("$work/aot/tracetools")

# same NAME ARGS...: runs both builds with ARGS; fails on the first difference in stdout or exit code.
same() {
  local name="$1"; shift
  local jrc=0 arc=0
  "${jit[@]}" "$@" >"$work/jit.out" 2>"$work/jit.err" || jrc=$?
  "${aot[@]}" "$@" >"$work/aot.out" 2>"$work/aot.err" || arc=$?
  echo "$arc" >"$work/aot.rc"
  if [[ $jrc -ne $arc ]] || ! cmp -s "$work/jit.out" "$work/aot.out"; then
    echo "aot-findings: $name differs (exit codes: JIT $jrc, AOT $arc)" >&2
    diff "$work/jit.out" "$work/aot.out" | head -20 >&2 || true
    head -5 "$work/aot.err" >&2
    exit 1
  fi
  compared=$((compared + 1))
}

compared=0
mkdir -p "$work/traces"
for trace in "$root"/samples/traces/*.trace; do
  same "$(basename "$trace")" replay "$trace" --format json --all --threads 1
done
for scn in "$root"/samples/traces/*.scn; do
  out="$work/traces/$(basename "$scn" .scn).trace"
  "${jit[@]}" gen "$scn" -o "$out" >/dev/null 2>&1 || continue # scenarios that refuse to compile are check's business
  same "$(basename "$scn")" replay "$out" --format json --all --threads 1
done
for arch in arm64 x86_64; do
  synth="$work/traces/synth-$arch.trace"
  "${jit[@]}" synth --profile driver-mix --events 300000 --seed 5 --arch "$arch" --inject 0.05 --quiet -o "$synth"
  same "synth $arch" replay "$synth" --format json --all --threads 1
  same "synth $arch --threads 2" replay "$synth" --format json --all --threads 2
done
same "check samples/traces" check "$root/samples/traces"

# Bad input: the same one line on stderr (no stack trace) and exit 2 from both builds.
refused() {
  local name="$1"; shift
  same "$name" "$@"
  if [[ $(wc -l <"$work/aot.err") -ne 1 ]] || ! cmp -s "$work/jit.err" "$work/aot.err" || grep -q '^ *at ' "$work/aot.err"; then
    echo "aot-findings: $name: stderr differs or is not one line" >&2
    diff "$work/jit.err" "$work/aot.err" | head -10 >&2 || true
    exit 1
  fi
  [[ $(cat "$work/aot.rc") -eq 2 ]] || { echo "aot-findings: $name: exit $(cat "$work/aot.rc"), not 2" >&2; exit 1; }
}
corrupt="$work/traces/corrupt.trace"
cp "$work/traces/synth-arm64.trace" "$corrupt"
printf 'garbage!garbage!' | dd of="$corrupt" bs=1 seek=100000 conv=notrunc status=none # inside a chunk: its CRC fails
refused "corrupt chunk" replay "$corrupt" --threads 1
refused "corrupt chunk --threads 2" replay "$corrupt" --threads 2
refused "missing file" replay "$work/traces/none.trace"
printf 'arch arm64\ncpu c0\nc0: stor x\n' >"$work/traces/bad.scn"
refused "bad scenario" gen "$work/traces/bad.scn" -o "$work/traces/bad.trace"
echo "aot-findings: the AOT binary's output equals the JIT build's on $compared runs"
