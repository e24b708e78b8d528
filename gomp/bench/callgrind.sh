#!/usr/bin/env bash
# Instructions per construct under callgrind (gomp/bench/callgrind_one.c), on libgomp and on each
# drop-in build given (cargo profile directories holding gomp/libgomp.so.1), as CSV:
# runtime,threads,construct,instructions. Locks and critical: per pair, one thread, counted in the
# outlined region body; schedules: per loop of 128 iterations a thread at 2 threads, counted in
# GOMP_loop_*next (the chunks after the first; the loop body's own few instructions included);
# doacross: per GOMP_doacross_wait and per GOMP_doacross_post at 2 threads (2 x n calls of each).
#
# Usage: gomp/bench/callgrind.sh NAME=DIR...   (e.g. before=/tmp/before after=target/release)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exe=$(mktemp)
trap 'rm -f "$exe"' EXIT
gcc -fopenmp -O2 -o "$exe" "$here/callgrind_one.c"
count() { # lib_dir threads toggle args...
    env ${1:+LD_LIBRARY_PATH=$1} OMP_NUM_THREADS=$2 valgrind --tool=callgrind --toggle-collect="$3" \
        --callgrind-out-file=/dev/null "$exe" "${@:4}" 2>&1 | sed -n 's/.*Collected : //p'
}
echo "runtime,threads,construct,instructions"
for spec in libgomp= "$@"; do
    name=${spec%%=*} dir=${spec#*=}
    lib=${dir:+$dir/gomp}
    for c in lock:main._omp_fn.0 critical:main._omp_fn.1; do
        a=$(count "$lib" 1 "${c#*:}" "${c%%:*}" 1000) b=$(count "$lib" 1 "${c#*:}" "${c%%:*}" 2000)
        echo "$name,1,${c%%:*},$(( (b - a) / 1000 ))"
    done
    for s in static:1 static:8 dynamic:1 guided:1 guided:4; do
        a=$(count "$lib" 2 'GOMP_loop_*next' "${s%%:*}" 100 "${s#*:}")
        b=$(count "$lib" 2 'GOMP_loop_*next' "${s%%:*}" 200 "${s#*:}")
        echo "$name,2,${s%%:*}_${s#*:},$(( (b - a) / 100 ))"
    done
    for f in wait post; do
        a=$(count "$lib" 2 "GOMP_doacross_$f" doacross 1000)
        b=$(count "$lib" 2 "GOMP_doacross_$f" doacross 2000)
        echo "$name,2,doacross_$f,$(( (b - a) / 2000 ))"
    done
done
