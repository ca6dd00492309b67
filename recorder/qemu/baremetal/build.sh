#!/bin/sh
# Assembles and links the bare-metal fw_cfg DMA program for QEMU's arm64
# `-M virt`, with Debian's binutils-aarch64-linux-gnu.
# Usage: build.sh OUT.elf [barrier]
#   barrier: put `dmb oshst` between the descriptor stores and the doorbell.
# Debug info (file:line) names the source as recorder/qemu/baremetal/...,
# whatever directory the repo is in, so `--symbols` gives stable sites.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
variant=${2:-}
obj=$(mktemp)
trap 'rm -f "$obj"' EXIT
defs=""
if [ "$variant" = barrier ]; then
    defs="--defsym BARRIER=1"
elif [ -n "$variant" ]; then
    echo "build.sh: unknown variant '$variant' (use: barrier, or nothing)" >&2
    exit 2
fi
cd "$here"
# shellcheck disable=SC2086 # $defs is empty or two words
aarch64-linux-gnu-as -g --debug-prefix-map "$here"=recorder/qemu/baremetal $defs -o "$obj" fwcfg-dma.S
# -n: no page alignment of the one segment (a 2 KB ELF instead of 66 KB).
aarch64-linux-gnu-ld -n --no-warn-rwx-segments -T link.ld -o "$out" "$obj"
# Drop the $x/$d mapping symbols so addr2line names _start/wait, not "$x".
aarch64-linux-gnu-objcopy --strip-symbol='$x' --strip-symbol='$d' "$out"
