#!/bin/sh
# Builds the ttrecord TCG plugin (libttrecord.so) with the system C compiler.
# Needs only gcc (or $CC) and libc: the plugin API declarations are in
# qemu-plugin-api.h, because Debian's QEMU packages ship no plugin header.
# Usage: recorder/qemu/build.sh [OUTDIR]     (default: recorder/qemu/build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/build}
mkdir -p "$out"
cc=${CC:-gcc}
# -fvisibility=hidden: only qemu_plugin_install and qemu_plugin_version are
# exported; the qemu_plugin_* calls stay undefined and bind to QEMU's symbols
# when QEMU dlopens the plugin.
# $CFLAGS is added last (the tests pass -Werror; a user's newer gcc may warn where gcc 12 does not).
# shellcheck disable=SC2086 # CFLAGS is a list of flags
"$cc" -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -fPIC -fvisibility=hidden -shared ${CFLAGS:-} \
    -o "$out/libttrecord.so" "$here/ttrecord.c" "$here/decode.c" -lpthread
echo "$out/libttrecord.so"
