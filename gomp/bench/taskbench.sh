#!/usr/bin/env bash
# Task overheads of parfor beside libgomp and LLVM's libomp, in one run, rounds interleaved:
# 1. taskbench.c (EPCC taskbench-style: parallel/master task generation, if(0), taskwait,
#    task+barrier, nested, nested master, branch and leaf trees): built with gcc and run on
#    gcc's libgomp and on parfor's drop-in (LD_LIBRARY_PATH=LIB_DIR/gomp), built with
#    `clang -fopenmp` and run on libomp; each run its own process.
# 2. Recursive fib(N) with a cut-off (plain recursion below it): taskbench_fib.c on libgomp
#    (and on the drop-in and libomp, for the record), benches/examples/tasks_fib.rs for parfor's
#    Rust API and rayon::join (one process, alternating).
# Writes LIB_DIR/taskbench/{taskbench,fib}.csv (raw: one line per test and run) and prints
# min/median/max per runtime, plus parfor against the others: "tie" when the ranges overlap.
#
# Usage: gomp/bench/taskbench.sh [LIB_DIR] [ROUNDS] [THREADS] [FIB_N] [CUTOFF]
#   (LIB_DIR default target/release; needs `cargo build --release -p parfor-gomp &&
#   gomp/link-libgomp.sh && cargo build --release -p parfor-benches --example tasks_fib` first)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lib_dir="$(cd "${1:-$here/../../target/release}" && pwd)"
rounds="${2:-7}"
threads="${3:-2}"
fib_n="${4:-30}"
cutoff="${5:-10}"
reps=2000
outer=5
work="$lib_dir/taskbench"
mkdir -p "$work"
gcc -fopenmp -O2 -o "$work/taskbench-gcc" "$here/taskbench.c"
gcc -fopenmp -O2 -o "$work/fib-gcc" "$here/taskbench_fib.c"
have_clang=0
if command -v clang >/dev/null && clang -fopenmp -O2 -o "$work/taskbench-clang" "$here/taskbench.c" 2>/dev/null &&
    clang -fopenmp -O2 -o "$work/fib-clang" "$here/taskbench_fib.c" 2>/dev/null; then
    have_clang=1
fi
rust_fib="$lib_dir/examples/tasks_fib"
[ -x "$rust_fib" ] || { echo "taskbench.sh: $rust_fib not found (see Usage)" >&2; exit 1; }

export OMP_NUM_THREADS="$threads"
unset OMP_WAIT_POLICY GOMP_SPINCOUNT LD_PRELOAD
runtimes="libgomp parfor"
[ "$have_clang" = 1 ] && runtimes="$runtimes libomp"

taskbench() { # runtime
    case "$1" in
        libgomp) "$work/taskbench-gcc" "$reps" "$outer" ;;
        parfor) LD_LIBRARY_PATH="$lib_dir/gomp" "$work/taskbench-gcc" "$reps" "$outer" ;;
        libomp) "$work/taskbench-clang" "$reps" "$outer" ;;
    esac
}

fib() { # runtime
    case "$1" in
        libgomp) "$work/fib-gcc" libgomp "$fib_n" "$cutoff" 1 ;;
        parfor) LD_LIBRARY_PATH="$lib_dir/gomp" "$work/fib-gcc" parfor-gomp "$fib_n" "$cutoff" 1 ;;
        libomp) "$work/fib-clang" libomp "$fib_n" "$cutoff" 1 ;;
    esac
}

tb_csv="$work/taskbench.csv"
fib_csv="$work/fib.csv"
echo "round,runtime,threads,test,overhead_us" > "$tb_csv"
echo "runtime,n,cutoff,threads,round,seconds" > "$fib_csv"
set -- $runtimes
count=$#
for ((round = 0; round < rounds; round++)); do
    # Rotate the order of the runtimes from round to round.
    for ((k = 0; k < count; k++)); do
        i=$(((k + round) % count + 1))
        r="${!i}"
        taskbench "$r" | awk -v round="$round" -v r="$r" -v t="$threads" \
            '$1 != "threads" { print round "," r "," t "," $1 "," $2 }' >> "$tb_csv"
        fib "$r" | sed "s/,0,\([0-9.]*\)$/,$round,\1/" >> "$fib_csv"
    done
    "$rust_fib" "$fib_n" "$cutoff" 1 "$threads" | sed "s/,0,\([0-9.]*\)$/,$round,\1/" >> "$fib_csv"
done

python3 - "$tb_csv" "$fib_csv" <<'EOF'
import csv, statistics, sys
from collections import defaultdict

def table(path, key, value, scale, unit):
    runs = defaultdict(list)
    for row in csv.DictReader(open(path)):
        runs[(row[key], row["runtime"])].append(float(row[value]) * scale)
    tests = list(dict.fromkeys(k for k, _ in runs))
    names = list(dict.fromkeys(r for _, r in runs))
    print(f"| {key} | " + " | ".join(f"{r} min / median / max ({unit})" for r in names)
          + " | parfor vs " + ", ".join(r for r in names if r != "parfor") + " |")
    print("|---" * (len(names) + 2) + "|")
    for t in tests:
        cells, verdicts = [], []
        for r in names:
            v = runs.get((t, r), [])
            cells.append(f"{min(v):.3f} / {statistics.median(v):.3f} / {max(v):.3f}" if v else "-")
        ours = runs.get((t, "parfor"))
        for r in names:
            theirs = runs.get((t, r))
            if r == "parfor" or not ours or not theirs:
                continue
            if min(ours) <= max(theirs) and min(theirs) <= max(ours):
                verdicts.append(f"tie with {r}")
            else:
                ratio = statistics.median(ours) / statistics.median(theirs)
                verdicts.append(f"{ratio:.2f}x {r} ({'faster' if ratio < 1 else 'slower'})")
        print(f"| {t} | " + " | ".join(cells) + " | " + "; ".join(verdicts) + " |")
    print()

table(sys.argv[1], "test", "overhead_us", 1, "us/task")
table(sys.argv[2], "n", "seconds", 1e3, "ms")
EOF
echo "rounds $rounds (interleaved), $threads threads, taskbench reps $reps median of $outer," \
    "fib($fib_n) cut-off $cutoff; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw: $tb_csv $fib_csv"
