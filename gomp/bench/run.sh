#!/usr/bin/env bash
# Runs the EPCC-style microbenchmark (epcc.c) on gcc's libgomp, on parfor's drop-in
# (gomp/libgomp.so.1) and on LLVM's libomp (installed as libgomp.so.1 in a directory of its own),
# each in its own process, at 2 threads and at 8 threads, and prints a Markdown table of the
# overheads in microseconds (one binary, built once with gcc -fopenmp).
#
# Usage: gomp/bench/run.sh [LIB_DIR] [REPS] [OUTER]   (LIB_DIR default target/release; needs
#        `cargo build --release -p parfor-gomp && gomp/link-libgomp.sh` first)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lib_dir="$(cd "${1:-$here/../../target/release}" && pwd)"
reps="${2:-4000}"
outer="${3:-7}"
work="$lib_dir/gomp-bench"
mkdir -p "$work/libomp"
gcc -fopenmp -O2 -o "$work/epcc" "$here/epcc.c"
libomp="$(ls /usr/lib/llvm-*/lib/libomp.so.5 2>/dev/null | head -n 1 || true)"
runtimes="libgomp parfor"
if [ -n "$libomp" ]; then
    ln -sf "$libomp" "$work/libomp/libgomp.so.1"
    runtimes="$runtimes libomp"
fi

run() { # runtime threads
    case "$1" in
        libgomp) env OMP_NUM_THREADS="$2" "$work/epcc" "$reps" "$outer" ;;
        parfor) env LD_LIBRARY_PATH="$lib_dir/gomp" OMP_NUM_THREADS="$2" "$work/epcc" "$reps" "$outer" ;;
        libomp) env LD_LIBRARY_PATH="$work/libomp" OMP_NUM_THREADS="$2" "$work/epcc" "$reps" "$outer" ;;
    esac > "$work/$1-$2.txt"
}

header="| construct"
rule="|---"
for threads in 2 8; do
    for r in $runtimes; do
        run "$r" "$threads"
        header="$header | $r $threads"
        rule="$rule|---:"
    done
done
echo "$header |"
echo "$rule|"
awk '$1 != "threads" { print $1 }' "$work/libgomp-2.txt" | while read -r construct; do
    row="| $construct"
    for threads in 2 8; do
        for r in $runtimes; do
            row="$row | $(awk -v c="$construct" '$1 == c { printf "%.2f", $2 }' "$work/$r-$threads.txt")"
        done
    done
    echo "$row |"
done
echo
echo "reps $reps, median of $outer; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
