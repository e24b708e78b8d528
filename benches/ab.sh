#!/usr/bin/env bash
# Interleaved A/B runs of the kernels: parfor against rayon (or any runtimes of the `ab` binary),
# every run its own process, ROUNDS rounds, the order of the runtimes alternating from round to
# round. Writes the per-run times as a CSV (with the command and commit in its header) and prints
# min/median/max per kernel and runtime, the ratio of the medians and the verdict: a difference
# inside the spread of the rounds (the [min, max] ranges overlap) is a tie.
#
#   benches/ab.sh                                  # 5 rounds, 2 threads, full size, every kernel
#   ROUNDS=7 THREADS=2 SIZE=full benches/ab.sh pi grid_max
#   RUNTIMES="parfor openmp" benches/ab.sh mandelbrot
#   benches/ab.sh --summary benches/results/ab-full-t2.csv   # only print the summary of a CSV
#
# Settings (environment): ROUNDS (5), THREADS (2), SIZE (full | bench), REPS (timed calls per
# process, the process's time is their minimum; 3), RUNTIMES ("parfor rayon"), OUT (the CSV;
# benches/results/ab-$SIZE-t$THREADS.csv), AB (the ab binary; target/release/ab, built first),
# COMMIT (the commit a saved AB binary was built from, for the CSV's header), QUIET (a command each
# round runs under, e.g. a machine-lock wrapper on a shared machine; unset: none), BUSY (the same
# for the build).
set -euo pipefail
cd "$(dirname "$0")/.."

AB=${AB:-target/release/ab}
if [ "${1:-}" = --summary ]; then
    exec "$AB" --summary "$2"
fi

export ROUNDS=${ROUNDS:-5} THREADS=${THREADS:-2} SIZE=${SIZE:-full} REPS=${REPS:-3}
export RUNTIMES=${RUNTIMES:-parfor rayon}
export OUT=${OUT:-benches/results/ab-$SIZE-t$THREADS.csv}

# One round (run by the loop below, as `ab.sh --round R KERNEL...`): every kernel on every
# runtime, each run its own process; odd rounds run the runtimes in the given order, even
# rounds reversed, so neither side always runs first.
if [ "${1:-}" = --round ]; then
    r=$2
    shift 2
    read -ra order <<<"$RUNTIMES"
    if [ $((r % 2)) -eq 0 ]; then
        mapfile -t order < <(printf '%s\n' "${order[@]}" | tac)
    fi
    for k in "$@"; do
        for rt in "${order[@]}"; do
            line=$(OMP_NUM_THREADS=$THREADS RAYON_NUM_THREADS=$THREADS "$AB" "$rt" "$k" --size "$SIZE" --reps "$REPS")
            echo "   $line" >&2
            echo "$r,${line// /,}" >>"$OUT"
        done
    done
    exit 0
fi

QUIET=${QUIET:-}
KERNELS=("$@")
[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(pi wealth weather roots roots_sum grid_max bootstrap mandelbrot)

BUSY=${BUSY:-}
$BUSY cargo build -q --release -p parfor-benches --bin ab

mkdir -p "$(dirname "$OUT")"
{
    echo "# command: ROUNDS=$ROUNDS THREADS=$THREADS SIZE=$SIZE REPS=$REPS RUNTIMES=\"$RUNTIMES\" benches/ab.sh ${KERNELS[*]}"
    # COMMIT: the commit the ab binary was built from, when AB points at a saved binary.
    echo "# commit: ${COMMIT:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- runtime kernels benches ':!benches/results' || echo ' + uncommitted changes')}; binary: $AB"
    echo "# date: $(date -u +%FT%TZ); machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "# one row per process: the minimum and median of its $REPS timed calls (after one warm-up call)"
    echo "round,kernel,runtime,threads,size,min_s,median_s,fingerprint"
} >"$OUT"

for r in $(seq 1 "$ROUNDS"); do
    echo "== round $r of $ROUNDS [load: $(cut -d' ' -f1-3 /proc/loadavg)]" >&2
    # Each round is one short quiet window (a few minutes at most at the full size).
    $QUIET "$0" --round "$r" "${KERNELS[@]}"
done

echo "wrote $OUT" >&2
"$AB" --summary "$OUT"
