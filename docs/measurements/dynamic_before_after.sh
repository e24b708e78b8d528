#!/usr/bin/env bash
# Per-chunk cost of dynamic,1 (EPCC schedbench: `dynamic_10000`, 10,000 chunks of ~100 ns) for
# parfor before and after a change, beside rayon and libgomp, in one run (issue 21, item 1).
#
#   docs/measurements/dynamic_before_after.sh build OLD_COMMIT   # builds the bench executables
#   docs/measurements/dynamic_before_after.sh run [ROUNDS]       # measures (default 5 rounds)
#
# `build` compiles the criterion bench `overhead_parfor` at OLD_COMMIT (a detached worktree under
# target/dyn-ba) and `overhead_{parfor,rayon,openmp,serial}` of the working tree. `run` runs
# ROUNDS rounds; each round runs, each in its own process one after the other: serial, then at
# 2 and at 8 threads (OMP_NUM_THREADS and RAYON_NUM_THREADS): old parfor, new parfor, rayon
# (`with_max_len(1)`), libgomp. Each criterion median of `overhead/*/dynamic_10000` goes to
# docs/measurements/dynamic_before_after.csv (round, side, threads, median_ns, per_chunk_ns)
# with the command in its first line; per_chunk_ns = (median - serial / threads) / 10,000 (the
# EPCC formula, serial from the same round), and the summary gives min / median / max over rounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=target/dyn-ba
OUT=docs/measurements/dynamic_before_after.csv

bench_exe() { # bench_exe DIR TARGET: builds TARGET in DIR and prints the executable's path
    (cd "$1" && cargo bench -p parfor-benches --bench "$2" --no-run 2>&1) |
        sed -n "s|.*Executable benches/$2\.rs (\(.*\))\$|\1|p" | tail -1
}

case "${1:-}" in
build)
    OLD=${2:?usage: $0 build OLD_COMMIT}
    mkdir -p "$WORK"
    rm -rf "$WORK/old"
    git worktree prune
    git worktree add --detach "$WORK/old" "$OLD" >/dev/null
    {
        echo "OLD_REV=$(git rev-parse --short "$OLD")"
        echo "OLD=$(CARGO_TARGET_DIR="$PWD/$WORK/old-target" bench_exe "$WORK/old" overhead_parfor)"
        for side in parfor rayon openmp serial; do
            echo "${side^^}=$(bench_exe . overhead_$side)"
        done
    } > "$WORK/exes"
    git worktree remove --force "$WORK/old"
    cat "$WORK/exes"
    ;;
run)
    ROUNDS=${2:-5}
    # shellcheck disable=SC1091
    . "$WORK/exes"
    for exe in "$OLD" "$PARFOR" "$RAYON" "$OPENMP" "$SERIAL"; do
        [ -x "$exe" ] || { echo "no bench executable: $exe (run build first)" >&2; exit 1; }
    done
    echo "# docs/measurements/dynamic_before_after.sh run $ROUNDS   (old = $OLD_REV, new = $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- runtime || echo '+changes'), $(date -u +%FT%TZ), $(nproc) cores)" > "$OUT"
    echo "round,side,threads,median_ns,per_chunk_ns" >> "$OUT"
    median() { # median ROUND SIDE THREADS EXE: the criterion median of dynamic_10000, in ns
        local home="$WORK/criterion/$1/$2/$3"
        rm -rf "$home"
        OMP_NUM_THREADS=$3 RAYON_NUM_THREADS=$3 CRITERION_HOME="$home" "$4" --bench 'overhead/[a-z]+/dynamic_10000$' >/dev/null 2>&1
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["median"]["point_estimate"])' \
            "$(find "$home" -path '*/new/estimates.json' | head -1)"
    }
    for round in $(seq 1 "$ROUNDS"); do
        echo "round $round of $ROUNDS"
        serial=$(median "$round" serial 1 "$SERIAL")
        echo "$round,serial,1,$serial," >> "$OUT"
        for threads in 2 8; do
            for side in old parfor rayon libgomp; do
                case $side in old) exe=$OLD ;; parfor) exe=$PARFOR ;; rayon) exe=$RAYON ;; libgomp) exe=$OPENMP ;; esac
                t=$(median "$round" "$side" "$threads" "$exe")
                per=$(python3 -c "print(round(($t - $serial / $threads) / 10000, 1))")
                echo "$round,$side,$threads,$t,$per" >> "$OUT"
            done
        done
    done
    python3 - "$OUT" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith('#'))]
print("per-chunk cost, ns (EPCC: (t - serial/threads) / 10,000): min / median / max over rounds")
for threads in ("2", "8"):
    for side in ("old", "parfor", "rayon", "libgomp"):
        v = sorted(float(r["per_chunk_ns"]) for r in rows if r["side"] == side and r["threads"] == threads)
        if v:
            print(f"  {threads} threads  {side:8} {v[0]:7.1f} {statistics.median(v):7.1f} {v[-1]:7.1f}   ({len(v)} rounds)")
s = sorted(float(r["median_ns"]) / 10000 for r in rows if r["side"] == "serial")
print(f"  serial body: {statistics.median(s):.1f} ns per iteration")
PY
    ;;
*)
    echo "usage: $0 build OLD_COMMIT | run [ROUNDS]" >&2
    exit 2
    ;;
esac
