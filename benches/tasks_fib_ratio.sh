#!/usr/bin/env bash
# Per-round ratio RUNTIME/rayon of fib(30) times from one tasks_fib process, whose runtimes
# alternate run by run (so both sides of a round see the same machine): min, median, max.
#
# Usage: benches/tasks_fib_ratio.sh BIN THREADS ROUNDS [RUNTIME]   (RUNTIME: parfor, parfor-join)
#   BIN: target/release/examples/tasks_fib (cargo build --release -p parfor-benches --example tasks_fib)
set -euo pipefail
runtime="${4:-parfor}"
"$1" 30 10 "$3" "$2" |
    awk -F, -v rt="$runtime" '{ t[$1 "," $5] = $6; r[$5] = 1 }
        END { for (k in r) print t[rt "," k] / t["rayon," k] }' |
    sort -n |
    awk -v rt="$runtime" -v th="$2" '{ a[NR] = $1 }
        END { printf "%s/rayon at %s threads: ratio min %.3f med %.3f max %.3f (n=%d)\n",
              rt, th, a[1], a[int((NR + 1) / 2)], a[NR], NR }'
