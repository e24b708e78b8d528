#!/usr/bin/env bash
# One round of the EPCC-style bench (epcc.c) on libgomp, on two builds of parfor's drop-in (BEFORE
# and AFTER: cargo profile directories holding gomp/libgomp.so.1) and on LLVM's libomp, each in its
# own process, at 2 and 8 threads, appended to CSV as round,runtime,threads,construct,us. Run it
# several times (one round a call; on a shared machine each under an exclusive machine lock), then gomp/bench/summarise.py CSV.
#
# Usage: gomp/bench/round.sh EPCC_BINARY BEFORE_DIR AFTER_DIR CSV ROUND [REPS] [OUTER]
set -euo pipefail
exe=$1 before=$2 after=$3 csv=$4 round=$5 reps=${6:-1000} outer=${7:-3}
libomp_dir=$(mktemp -d)
trap 'rm -rf "$libomp_dir"' EXIT
libomp="$(ls /usr/lib/llvm-*/lib/libomp.so.5 2>/dev/null | head -n 1 || true)"
[ -n "$libomp" ] && ln -sf "$libomp" "$libomp_dir/libgomp.so.1"
[ -f "$csv" ] || echo "round,runtime,threads,construct,us" > "$csv"
for threads in 2 8; do
    for runtime in libgomp before after libomp; do
        case $runtime in
            libgomp) lib= ;;
            before) lib=$before/gomp ;;
            after) lib=$after/gomp ;;
            libomp) [ -n "$libomp" ] || continue; lib=$libomp_dir ;;
        esac
        env ${lib:+LD_LIBRARY_PATH=$lib} OMP_NUM_THREADS=$threads "$exe" "$reps" "$outer" |
            awk -v r="$round" -v rt="$runtime" -v t="$threads" '$1 != "threads" { print r "," rt "," t "," $1 "," $2 }' >> "$csv"
    done
done
