#!/usr/bin/env bash
# Runs the parfor bench suite and writes BENCHMARKS.md and benches/plot.png.
#
#   benches/run.sh            # everything (about 25 minutes on 2 cores)
#   benches/run.sh report     # only regenerate BENCHMARKS.md, the plot and the CSV from saved results
#   KERNEL_ROUNDS=3 OVERHEAD_ROUNDS=3 benches/run.sh   # what BENCHMARKS.md's command line says
#
# Runtimes are kept apart: every bench target loads ONE runtime (parfor, rayon, OpenMP or none)
# and runs in its own process, one after the other, so an idle pool of one runtime (libgomp's
# spinning workers, rayon's sleeping ones) never shares the machine with another runtime's timing.
# Team sizes come from OMP_NUM_THREADS (parfor, libgomp) and RAYON_NUM_THREADS (rayon), set per
# process. Each process writes criterion's estimates under its own CRITERION_HOME:
#   target/bench-results/r<round>.<try>/t<threads>/<group>/<bench>/<size>/new/estimates.json
# The kernels run KERNEL_ROUNDS times and the overheads OVERHEAD_ROUNDS times, interleaved, and
# the report keeps the smallest median of the rounds and tries for its tables, words every comparison
# by the tie rule over the rounds, writes every round's medians to benches/results/criterion-rounds.csv
# (with this command) and prints the summary. Other engineers share this machine: before
# each process the script waits for a quiet second, and a run during which other processes used
# more than MAX_OTHERS cores on average is repeated (up to MAX_TRIES times). On the shared
# development machine every bench process (with its retries) runs in its own exclusive window of
# the command in QUIET (e.g. a machine-lock wrapper; unset: none), and builds run under the command
# in BUSY (unset: none), so no window lasts minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

RESULTS=target/bench-results
KERNEL_ROUNDS=${KERNEL_ROUNDS:-1}
OVERHEAD_ROUNDS=${OVERHEAD_ROUNDS:-2}
COMMAND="KERNEL_ROUNDS=$KERNEL_ROUNDS OVERHEAD_ROUNDS=$OVERHEAD_ROUNDS MAX_TRIES=${MAX_TRIES:-3} WAIT_QUIET=${WAIT_QUIET:-60} MAX_OTHERS=${MAX_OTHERS:-0.10} benches/run.sh $*"

BUSY=${BUSY:-}   # a wrapper for builds on a shared machine (see above)
declare -A EXE
build() { # builds every bench target once; later edits of the tree cannot change a run half-way
    while read -r name path; do EXE[$name]=$path; done < <(
        $BUSY cargo bench -p parfor-benches --no-run 2>&1 |
            sed -n 's|.*Executable benches/\([a-z_]*\)\.rs (\(.*\))$|\1 \2|p')
    [ "${#EXE[@]}" -ge 10 ] || { echo "run.sh: could not find the bench executables" >&2; exit 1; }
}

busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)
MAX_OTHERS=${MAX_OTHERS:-0.10}   # CPU (in cores) other processes may take during a clean run
MAX_TRIES=${MAX_TRIES:-3}

WAIT_QUIET=${WAIT_QUIET:-60}
wait_quiet() { # waits (at most WAIT_QUIET s) for a second in which other processes use < MAX_OTHERS cores
    local i a b
    for i in $(seq 1 "$WAIT_QUIET"); do
        a=$(busy_jiffies); sleep 1; b=$(busy_jiffies)
        awk -v d=$((b - a)) -v hz="$HZ" -v m="$MAX_OTHERS" 'BEGIN{exit !(d/hz < m)}' && return 0
    done
    echo "   (machine still busy after $WAIT_QUIET s; running anyway)"
}

QUIET=${QUIET:-}
run() { # run <round> <threads> <target> [criterion filter]: one bench process in a quiet window
    $QUIET "$0" --one "$1" "$2" "$3" "${EXE[$3]}" "${4:-}"
}

run_one() { # run_one <round> <threads> <target> <executable> [criterion filter]
    # The machine is shared: other processes' CPU time during the run (all busy time minus the
    # bench process's own) is measured, and a run they disturbed is repeated (MAX_TRIES at most).
    local round=$1 threads=$2 target=$3 exe=$4 filter=${5:-} try out pid b0 b1 t0 t1 own others
    for try in $(seq 1 "$MAX_TRIES"); do
        wait_quiet
        echo "== round $round, $threads thread(s): $target ${filter:+($filter)} try $try [load: $(cut -d' ' -f1-3 /proc/loadavg)]"
        out=$(mktemp)
        b0=$(busy_jiffies); t0=$(date +%s.%N)
        CRITERION_HOME="$PWD/$RESULTS/r$round.$try/t$threads" BENCH_SCALING=0 OMP_NUM_THREADS=$threads RAYON_NUM_THREADS=$threads \
            "$exe" --bench --noplot ${filter:+"$filter"} >"$out" 2>&1 &
        pid=$!
        own=0
        while kill -0 "$pid" 2>/dev/null; do
            own=$(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo "$own")
            sleep 0.2
        done
        wait "$pid"
        b1=$(busy_jiffies); t1=$(date +%s.%N)
        grep -E 'time:' -B1 "$out" | grep -vE '^--$' || true
        rm -f "$out"
        others=$(awk -v b=$((b1 - b0 - own)) -v hz="$HZ" -v t0="$t0" -v t1="$t1" 'BEGIN{printf "%.2f", b/hz/(t1-t0)}')
        echo "   other processes used $others cores on average during this run"
        echo "r$round.$try t$threads $target${filter:+ ($filter)}: $others" >>"$RESULTS/interference.txt"
        if awk -v o="$others" -v m="$MAX_OTHERS" 'BEGIN{exit !(o < m)}'; then
            return 0
        fi
        echo "   disturbed: running it again"
    done
    echo "   still disturbed after $MAX_TRIES tries (the report keeps the fastest try)"
    echo "round $round, $threads thread(s): $target ${filter:+($filter)}" >>"$RESULTS/disturbed.txt"
}

if [ "${1:-}" = --one ]; then
    shift
    run_one "$@"
    exit 0
fi

if [ "${1:-all}" != report ]; then
    rm -rf "$RESULTS"
    mkdir -p "$RESULTS"
    echo "$COMMAND" >"$RESULTS/command.txt"
    echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- runtime kernels benches ':!benches/results' || echo ' + uncommitted changes in runtime/kernels/benches')" >"$RESULTS/commit.txt"
    build
    $BUSY cargo build -q --release -p parfor-benches --bin report
    rounds=$((KERNEL_ROUNDS > OVERHEAD_ROUNDS ? KERNEL_ROUNDS : OVERHEAD_ROUNDS))
    for round in $(seq 1 "$rounds"); do
        if [ "$round" -le "$OVERHEAD_ROUNDS" ]; then
            run "$round" 1 overhead_serial
            for threads in 1 2; do
                for rt in parfor rayon openmp libomp; do run "$round" "$threads" "overhead_$rt"; done
            done
        fi
        if [ "$round" -le "$KERNEL_ROUNDS" ]; then
            run "$round" 1 kernels_serial
            # The scaling table: every kernel at 1, 2, 4 and 8 threads (4 and 8 oversubscribe
            # this machine's 2 cores); schedule variants only at 1 and 2.
            for threads in 1 2 4 8; do
                for rt in parfor rayon openmp libomp; do
                    if [ "$threads" -le 2 ]; then
                        run "$round" "$threads" "kernels_$rt"
                    else
                        run "$round" "$threads" "kernels_$rt" "^[a-z_]+/$rt/"
                    fi
                done
            done
        fi
    done
fi

$BUSY cargo build -q --release -p parfor-benches --bin report
# The command that measured (not "run.sh report", which only regenerates the page).
[ -f "$RESULTS/command.txt" ] && COMMAND=$(cat "$RESULTS/command.txt")
target/release/report --results "$RESULTS" --out BENCHMARKS.md --plot benches/plot.png \
    --csv benches/results/criterion-rounds.csv --command "$COMMAND"
target/release/report --summary --results "$RESULTS"
