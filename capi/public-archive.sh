#!/bin/sh
# public-archive.sh IN.a OUT.a
#
# Turns cargo's libparfor.a (every object of the Rust standard library and of compiler-rt, about
# 1,250 global symbols, which collide when two Rust static libraries are linked into one program)
# into the archive a C program, the R package or the Python wheel links: one object, partially
# linked from all of IN.a (`ld -r`), in which only the parfor_* functions stay global
# (`objcopy --keep-global-symbols`); everything else is local to it. References to the C library
# (malloc, pthread_*, ...) stay undefined, as in IN.a: link OUT.a with -lpthread -ldl -lm.
#
#   cargo build --release -p parfor-capi
#   capi/public-archive.sh target/release/libparfor.a OUT/libparfor.a
#
# Needs GNU binutils (ld, objcopy, nm, ar); LD, OBJCOPY, NM and AR override them.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 IN.a OUT.a" >&2
    exit 2
fi
in=$1
out=$2
LD=${LD:-ld}
OBJCOPY=${OBJCOPY:-objcopy}
NM=${NM:-nm}
AR=${AR:-ar}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$LD" -r --whole-archive "$in" -o "$tmp/all.o"
# rustc embeds LLVM bitcode (.llvmbc) in the standard library's objects; nothing links it from C,
# and binutils' LLVM plugin fails on bitcode newer than its own.
"$OBJCOPY" -R .llvmbc -R .llvmcmd "$tmp/all.o"
"$NM" -g --defined-only "$tmp/all.o" | awk '$NF ~ /^parfor_/ { print $NF }' >"$tmp/public"
if [ ! -s "$tmp/public" ]; then
    echo "$0: no parfor_* symbol in $in" >&2
    exit 1
fi
"$OBJCOPY" --keep-global-symbols="$tmp/public" "$tmp/all.o" "$tmp/parfor.o"
rm -f "$out"
"$AR" rcs "$out" "$tmp/parfor.o"
