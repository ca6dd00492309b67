#!/bin/sh
# Records the committed QEMU logs of samples/qemu/: the bare-metal fw_cfg DMA
# program (baremetal/fwcfg-dma.S) run on qemu-system-aarch64 -M virt with the
# ttrecord plugin, once without and once with the barrier before the doorbell.
#
#   recorder/qemu/record.sh [OUTDIR]        (default: samples/qemu)
#
# On a fresh Debian 12 machine it installs what it needs (qemu-system-arm for
# qemu-system-aarch64 7.2, binutils-aarch64-linux-gnu, gcc) with apt-get, as
# root or through sudo. Then:
#   tracetools import qemu samples/qemu/fwcfg-dma-nobarrier.log \
#       --layout samples/qemu/fwcfg-dma.layout.scn -o nobarrier.trace
#   tracetools replay nobarrier.trace      # stale-dma-read
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/samples/qemu}

missing=""
command -v qemu-system-aarch64 >/dev/null 2>&1 || missing="$missing qemu-system-arm"
command -v aarch64-linux-gnu-as >/dev/null 2>&1 || missing="$missing binutils-aarch64-linux-gnu"
command -v "${CC:-gcc}" >/dev/null 2>&1 || missing="$missing gcc"
if [ -n "$missing" ]; then
    echo "record.sh: installing$missing" >&2
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
version=$(qemu-system-aarch64 --version | head -n 1)
case "$version" in
    *" 7.2"*) ;;
    *) echo "record.sh: warning: ttrecord is written for QEMU 7.2 (plugin API 1); found: $version" >&2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/build.sh" "$work" >/dev/null
mkdir -p "$out"

# The trace events: cpu MMIO with values (memory_region_ops_*), and fw_cfg's
# own events, which the importer counts and skips (they show QEMU selecting
# the item the descriptor names, i.e. that the device read it).
events=trace:memory_region_ops_write,trace:memory_region_ops_read,trace:fw_cfg_select,trace:fw_cfg_read

record() { # NAME VARIANT [EXTRA QEMU ARGS]
    name=$1 variant=$2
    shift 2
    "$here/baremetal/build.sh" "$out/$name.elf" $variant
    rm -f "$work/$name.log"
    # The program powers the machine off through PSCI; the timeout only guards a hang.
    timeout 60 qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -nic none "$@" \
        -kernel "$out/$name.elf" -plugin "$work/libttrecord.so" \
        -d "plugin,$events" -D "$work/$name.log" </dev/null
    if ! grep -q "name 'fwcfg.dma'" "$work/$name.log"; then
        echo "record.sh: $name: no fw_cfg doorbell in the log; see $work/$name.log" >&2
        exit 1
    fi
    cp "$work/$name.log" "$out/$name.log"
    echo "$out/$name.log: $(wc -l <"$out/$name.log") lines"
}

# One log with QEMU's `PID@SEC.USEC:` trace prefix (-msg timestamp=on) and one
# without: the importer reads both spellings, and the pair exercises both.
record fwcfg-dma-nobarrier ""
record fwcfg-dma-barrier barrier -msg timestamp=on
