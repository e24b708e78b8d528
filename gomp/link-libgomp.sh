#!/usr/bin/env bash
# Links DIR/gomp/libgomp.so.1 from DIR/libparfor_gomp.a (DIR: a cargo profile directory such as
# target/release, after `cargo build --release -p parfor-gomp`), with libgomp's soname and
# version nodes, so that `LD_LIBRARY_PATH=DIR/gomp ./prog` runs a `gcc -fopenmp` program on parfor.
#
# Why not a cdylib: rustc links a cdylib with its own anonymous version script, which cannot be
# combined with named nodes (OMP_1.0 ... GOMP_5.1). So the version script is generated here from
# symbols.txt (the names and versions Debian's libgomp.so.1 exports) and the staticlib is linked
# with `cc -shared`. Names libgomp exports twice (the OpenMP 2.5 lock functions at OMP_1.0 beside
# the default at OMP_3.0) get a jump stub bound to the old version with `.symver`. parfor's own C
# API is exported too, at PARFOR_0.1, so a process using both loads one runtime.
#
# Usage: gomp/link-libgomp.sh [DIR]    (default: target/release)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../target/release}"
archive="$dir/libparfor_gomp.a"
[ -f "$archive" ] || { echo "link-libgomp.sh: $archive not found: build parfor-gomp first" >&2; exit 1; }
out="$dir/gomp"
mkdir -p "$out"
# symbols.txt: what libgomp.so.1 exports; extra-symbols.txt: OpenMP functions gcc 12's omp.h
# declares but its libgomp lacks (the lock hints), at the version LLVM's libomp gives them.
symbols="$out/all-symbols.txt"
cat "$here/symbols.txt" "$here/extra-symbols.txt" > "$symbols"

# One node a version, chained to the previous version of its family (OMP_, GOMP_, OACC_, ...).
awk '{ print $2 }' "$symbols" | sort -u | sort -V | awk -v symbols="$symbols" '
    BEGIN { while ((getline line < symbols) > 0) { split(line, f, " "); if (f[3] != "compat") names[f[2]] = names[f[2]] "\t" f[1] ";\n" } }
    {
        family = $0; sub(/_[0-9.]+$/, "", family)
        printf "%s {\n  global:\n%s", $0, names[$0]
        if (first == "") { printf "  local: *;\n"; first = $0 }
        printf "}%s;\n", (family in last) ? " " last[family] : ""
        last[family] = $0
    }
    END { print "PARFOR_0.1 {\n  global:\n\tparfor_*;\n};" }' > "$out/libgomp.map"

# Jump stubs for the names exported at a second, older version.
{
    echo ".text"
    awk '$3 == "compat" { print $1, $2 }' "$symbols" | while read -r name version; do
        stub="gomp_compat_${name}"
        printf '.globl %s\n.type %s,@function\n%s:\n\tjmp %s@PLT\n.symver %s, %s@%s\n' \
            "$stub" "$stub" "$stub" "$name" "$stub" "$name" "$version"
    done
    echo '.section .note.GNU-stack,"",@progbits'
} > "$out/compat.S"

cc -shared -o "$out/libgomp.so.1" -Wl,-soname,libgomp.so.1 \
    -Wl,--version-script="$out/libgomp.map" "$out/compat.S" \
    -Wl,--whole-archive "$archive" -Wl,--no-whole-archive \
    -Wl,--gc-sections -lgcc_s -lpthread -lm -ldl -lc
# For linking new programs against it: `gcc -fopenmp -L DIR/gomp` finds libgomp.so.
ln -sf libgomp.so.1 "$out/libgomp.so"
echo "$out/libgomp.so.1"
