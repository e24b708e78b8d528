#!/usr/bin/env bash
# Region overheads of parfor before and after a change, and parfor's barrier beside libgomp's, in
# one run (issue 14, item 6).
#
#   benches/before_after.sh OLD_COMMIT [ROUNDS]      # e.g. benches/before_after.sh 299f888 7
#
# Builds the criterion bench `overhead_parfor` at OLD_COMMIT (a detached worktree under
# target/before-after) and `overhead_parfor` + `overhead_openmp` of the working tree, then runs
# ROUNDS rounds; each round runs, each in its own process one after the other:
#   old parfor, 2 threads:  empty_region, reduce_1000
#   new parfor, 2 threads:  empty_region, reduce_1000, barriers_1000
#   libgomp,    2 threads:  empty_region, reduce_1000, barriers_1000
#   new parfor, 8 threads:  barriers_1000
#   libgomp,    8 threads:  barriers_1000
# Every criterion median goes to benches/results/before_after.csv (round, side, threads, test,
# median_ns) with the command in its first line; the summary gives min / median / max over rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: benches/before_after.sh OLD_COMMIT [ROUNDS]}
ROUNDS=${2:-7}
OUT=${OUT:-benches/results/before_after.csv}
WORK=target/before-after

bench_exe() { # bench_exe DIR TARGET: builds TARGET in DIR and prints the executable's path
    (cd "$1" && cargo bench -p parfor-benches --bench "$2" --no-run 2>&1) |
        sed -n "s|.*Executable benches/$2\.rs (\(.*\))\$|\1|p" | tail -1
}

rm -rf "$WORK/old"
git worktree prune
git worktree add --detach "$WORK/old" "$OLD" >/dev/null
OLD_EXE=$(CARGO_TARGET_DIR="$PWD/$WORK/old-target" bench_exe "$WORK/old" overhead_parfor)
NEW_EXE=$(bench_exe . overhead_parfor)
OMP_EXE=$(bench_exe . overhead_openmp)
for exe in "$OLD_EXE" "$NEW_EXE" "$OMP_EXE"; do [ -x "$exe" ] || { echo "no bench executable: $exe" >&2; exit 1; }; done

echo "# benches/before_after.sh $OLD $ROUNDS   (new = $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- runtime benches || echo '+changes'), $(date -u +%FT%TZ), $(nproc) cores)" > "$OUT"
echo "round,side,threads,test,median_ns" >> "$OUT"

run() { # run ROUND SIDE THREADS EXE FILTER
    local home="$WORK/criterion/$1/$2/$3"
    rm -rf "$home"
    OMP_NUM_THREADS=$3 CRITERION_HOME="$home" "$4" --bench "$5" >/dev/null 2>&1
    find "$home" -path '*/new/estimates.json' | while read -r f; do
        test=$(basename "$(dirname "$(dirname "$f")")")   # criterion's directory: RUNTIME_TEST
        test=${test#*_}
        median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["median"]["point_estimate"])' "$f")
        echo "$1,$2,$3,$test,$median" >> "$OUT"
    done
}

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round of $ROUNDS"
    run "$round" old 2 "$OLD_EXE" 'overhead/parfor/(empty_region|reduce_1000)$'
    run "$round" new 2 "$NEW_EXE" 'overhead/parfor/(empty_region|reduce_1000|barriers_1000)$'
    run "$round" libgomp 2 "$OMP_EXE" 'overhead/openmp/(empty_region|reduce_1000|barriers_1000)$'
    run "$round" new 8 "$NEW_EXE" 'overhead/parfor/barriers_1000$'
    run "$round" libgomp 8 "$OMP_EXE" 'overhead/openmp/barriers_1000$'
done
git worktree remove --force "$WORK/old"

python3 - "$OUT" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")))
groups = {}
for r in rows:
    scale = 1000.0 if r["test"] == "barriers_1000" else 1.0  # per barrier
    groups.setdefault((r["test"], r["threads"], r["side"]), []).append(float(r["median_ns"]) / scale)
print(f"{'test':<14}{'threads':>8}{'side':>9}   min / median / max over {len(set(r['round'] for r in rows))} rounds (ns; barrier: per barrier)")
for (test, threads, side), v in sorted(groups.items()):
    print(f"{test:<14}{threads:>8}{side:>9}   {min(v):8.1f} {statistics.median(v):8.1f} {max(v):8.1f}")
PY
