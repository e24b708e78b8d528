#!/usr/bin/env bash
# One round of the EPCC-style bench (epcc.c) on libgomp, on two builds of parfor's drop-in (BEFORE
# and AFTER: cargo profile directories holding gomp/libgomp.so.1) and on LLVM's libomp, each in its
# own process, at 2 and 8 threads, appended to CSV as round,runtime,threads,construct,us. Run it
# several times (one round a call; on a shared machine each under an exclusive machine lock), then gomp/bench/summarise.py CSV.
# BEFORE_DIR `-` runs one build only (AFTER). ONLY: the rows to run (epcc's third argument, e.g.
# ordered,ordered_block,doacross). THREADS (default "2 8"): the team sizes. CLANG_EPCC: a clang
# -fopenmp build of epcc.c, also run on libomp, as runtime libomp_clang.
#
# Usage: gomp/bench/round.sh EPCC_BINARY BEFORE_DIR AFTER_DIR CSV ROUND [REPS] [OUTER] [ONLY]
set -euo pipefail
exe=$1 before=$2 after=$3 csv=$4 round=$5 reps=${6:-1000} outer=${7:-3} only=${8:-}
libomp_dir=$(mktemp -d)
trap 'rm -rf "$libomp_dir"' EXIT
libomp="$(ls /usr/lib/llvm-*/lib/libomp.so.5 2>/dev/null | head -n 1 || true)"
[ -n "$libomp" ] && ln -sf "$libomp" "$libomp_dir/libgomp.so.1"
[ -f "$csv" ] || echo "round,runtime,threads,construct,us" > "$csv"
for threads in ${THREADS:-2 8}; do
    for runtime in libgomp before after libomp libomp_clang; do
        bin=$exe
        case $runtime in
            libgomp) lib= ;;
            before) [ "$before" != - ] || continue; lib=$before/gomp ;;
            after) lib=$after/gomp ;;
            libomp) [ -n "$libomp" ] || continue; lib=$libomp_dir ;;
            libomp_clang) [ -n "$libomp" ] && [ -n "${CLANG_EPCC:-}" ] || continue
                bin=$CLANG_EPCC lib=$(dirname "$libomp") ;;
        esac
        env ${lib:+LD_LIBRARY_PATH=$lib} OMP_NUM_THREADS=$threads "$bin" "$reps" "$outer" $only |
            awk -v r="$round" -v rt="$runtime" -v t="$threads" '$1 != "threads" { print r "," rt "," t "," $1 "," $2 }' >> "$csv"
    done
done
