#!/usr/bin/env bash
# Recursive fib(N) with a cut-off, each runtime in its own process, rounds interleaved (the
# order rotates from round to round), at each thread count given: parfor's Rust tasks and
# `Scope::join` (parfor-join), rayon::join (outside and inside `install`) from
# benches/examples/tasks_fib.rs, and
# taskbench_fib.c on gcc's libgomp and on parfor's drop-in. With BEFORE=DIR (a copy of an older
# build's examples/tasks_fib and gomp/), its parfor and drop-in run too, as parfor-before and
# parfor-gomp-before, for a before/after comparison in the same run.
# Each process does a warm-up and REPS timed runs. Writes OUT (CSV: runtime,n,cutoff,threads,
# round,seconds) and prints min/median/max per runtime and thread count.
#
# Usage: gomp/bench/taskbench_fib.sh OUT [ROUNDS] [THREADS...]   (default 9 rounds, 2 threads)
#   env: LIB_DIR (default target/release; needs `cargo build --release -p parfor-gomp &&
#   gomp/link-libgomp.sh && cargo build --release -p parfor-benches --example tasks_fib`),
#   FIB_N (30), CUTOFF (10), REPS (3), BEFORE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"
rounds="${2:-9}"
shift $(($# > 1 ? 2 : 1))
thread_counts="${*:-2}"
lib_dir="$(cd "${LIB_DIR:-$here/../../target/release}" && pwd)"
fib_n="${FIB_N:-30}"
cutoff="${CUTOFF:-10}"
reps="${REPS:-3}"
work="$lib_dir/taskbench"
mkdir -p "$work"
gcc -fopenmp -O2 -o "$work/fib-gcc" "$here/taskbench_fib.c"
unset OMP_WAIT_POLICY GOMP_SPINCOUNT LD_PRELOAD

runtimes="parfor parfor-join rayon rayon-inside libgomp parfor-gomp"
[ -n "${BEFORE:-}" ] && runtimes="$runtimes parfor-before parfor-gomp-before"

one() { # runtime threads
    local r="$1" t="$2"
    case "$r" in
        parfor | parfor-join | rayon | rayon-inside)
            "$lib_dir/examples/tasks_fib" "$fib_n" "$cutoff" "$reps" "$t" "$r" ;;
        parfor-before)
            "$BEFORE/tasks_fib" "$fib_n" "$cutoff" "$reps" "$t" parfor | sed 's/^parfor,/parfor-before,/' ;;
        libgomp)
            OMP_NUM_THREADS="$t" "$work/fib-gcc" libgomp "$fib_n" "$cutoff" "$reps" ;;
        parfor-gomp)
            OMP_NUM_THREADS="$t" LD_LIBRARY_PATH="$lib_dir/gomp" "$work/fib-gcc" parfor-gomp "$fib_n" "$cutoff" "$reps" ;;
        parfor-gomp-before)
            OMP_NUM_THREADS="$t" LD_LIBRARY_PATH="$BEFORE/gomp" "$work/fib-gcc" parfor-gomp-before "$fib_n" "$cutoff" "$reps" ;;
    esac
}

echo "runtime,n,cutoff,threads,round,seconds" > "$out"
set -- $runtimes
count=$#
for ((round = 0; round < rounds; round++)); do
    for t in $thread_counts; do
        for ((k = 0; k < count; k++)); do
            i=$(((k + round) % count + 1))
            # The program's own round number becomes this run's round.
            one "${!i}" "$t" | awk -F, -v OFS=, -v round="$round" '{ $5 = round; print }' >> "$out"
        done
    done
done

python3 - "$out" <<'PY'
import csv, statistics, sys
from collections import defaultdict
runs = defaultdict(list)
for row in csv.DictReader(open(sys.argv[1])):
    runs[(int(row["threads"]), row["runtime"])].append(float(row["seconds"]) * 1e3)
print("| threads | runtime | runs | min / median / max (ms) |")
print("|---|---|---|---|")
for (t, r), v in sorted(runs.items()):
    print(f"| {t} | {r} | {len(v)} | {min(v):.3f} / {statistics.median(v):.3f} / {max(v):.3f} |")
PY
echo "fib($fib_n) cut-off $cutoff, $rounds rounds (interleaved, one process a runtime a round, $reps timed runs" \
    "each); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
