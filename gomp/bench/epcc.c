/* EPCC-style OpenMP overhead microbenchmark (after the method of the EPCC OpenMP
 * microbenchmarks: the overhead of a construct is the time of a loop of `reps` constructs, each
 * around a short fixed delay, minus the time of the same loop of delays without the construct,
 * divided by `reps`). Written for parfor; the same binary runs on libgomp, on parfor's drop-in and
 * on LLVM's libomp (gomp/bench/run.sh). Prints one line per construct:
 *   construct  overhead_us  (median of OUTER repetitions)
 * Times are per construct, in microseconds, with a delay of about 0.1 us inside each.
 * Usage: epcc [reps] [outer]   (threads from OMP_NUM_THREADS) */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static omp_lock_t lock;

/* Median over `outer` runs of body()'s time per rep, in microseconds. */
static double measure(void (*body)(void)) { return measure_total(body) / reps; }

static void parallel(void) {
    for (int j = 0; j < reps; j++) {
#pragma omp parallel
        delay(delay_length);
    }
}

static void for_(void) {
#pragma omp parallel
    for (int j = 0; j < reps; j++) {
#pragma omp for
        for (int i = 0; i < omp_get_num_threads(); i++) delay(delay_length);
    }
}

static void parallel_for(void) {
    for (int j = 0; j < reps; j++) {
        int n = omp_get_max_threads();
#pragma omp parallel for
        for (int i = 0; i < n; i++) delay(delay_length);
    }
}

static void barrier(void) {
#pragma omp parallel
    for (int j = 0; j < reps; j++) {
        delay(delay_length);
#pragma omp barrier
    }
}

static void single(void) {
#pragma omp parallel
    for (int j = 0; j < reps; j++) {
#pragma omp single
        delay(delay_length);
    }
}

static void critical(void) {
#pragma omp parallel
    for (int j = 0; j < reps / omp_get_num_threads(); j++) {
#pragma omp critical
        delay(delay_length);
    }
}

static void lock_unlock(void) {
#pragma omp parallel
    for (int j = 0; j < reps / omp_get_num_threads(); j++) {
        omp_set_lock(&lock);
        delay(delay_length);
        omp_unset_lock(&lock);
    }
}

static void ordered(void) {
#pragma omp parallel for ordered schedule(static, 1)
    for (int j = 0; j < reps; j++) {
#pragma omp ordered
        delay(delay_length);
    }
}

static long double counter;
static void atomic(void) {
#pragma omp parallel
    for (int j = 0; j < reps / omp_get_num_threads(); j++) {
        delay(delay_length);
#pragma omp atomic
        counter += 1; /* long double: gcc wraps it in GOMP_atomic_start/end */
    }
}

static void reduction(void) {
    int total = 0;
    for (int j = 0; j < reps; j++) {
#pragma omp parallel reduction(+ : total)
        {
            delay(delay_length);
            total += 1;
        }
    }
    sink = total;
}

/* Schedules (EPCC's schedbench): loops of ITERS iterations a thread, each a delay, under
 * schedule(runtime) set to the kind and chunk measured; the overhead of one loop is its time
 * minus ITERS delays. */
#define ITERS 128
static int loops(void) { return reps / 16; }

static void scheduled(void) {
    int n = ITERS * omp_get_max_threads();
#pragma omp parallel
    for (int j = 0; j < loops(); j++) {
#pragma omp for schedule(runtime)
        for (int i = 0; i < n; i++) delay(delay_length);
    }
}

static void scheduled_reference(void) {
    for (int j = 0; j < loops() * ITERS; j++) delay(delay_length);
}

int main(int argc, char **argv) {
    if (argc > 1) reps = atoi(argv[1]);
    if (argc > 2) outer = atoi(argv[2]);
    if (outer < 1 || outer > 64 || reps < 16) return 2;
    omp_init_lock(&lock);
    int threads = omp_get_max_threads();
    struct { const char *name; void (*body)(void); } constructs[] = {
        {"parallel", parallel}, {"for", for_}, {"parallel_for", parallel_for},
        {"barrier", barrier}, {"single", single}, {"critical", critical},
        {"lock_unlock", lock_unlock}, {"ordered", ordered}, {"atomic", atomic},
        {"reduction", reduction},
    };
    parallel(); /* warm up the pool */
    double ref = measure(reference);
    for (size_t c = 0; c < sizeof constructs / sizeof constructs[0]; c++) {
        /* Each measure is per rep. Mutual exclusion runs reps/threads times on each thread, one
         * at a time: reps in all, so its time per rep already is per construct. */
        printf("%-16s %10.3f\n", constructs[c].name, measure(constructs[c].body) - ref);
    }
    const char *kinds[] = {"static", "dynamic", "guided"};
    double loop_ref = measure(scheduled_reference) * reps / loops();
    for (int k = 0; k < 3; k++) {
        for (int chunk = 1; chunk <= 128; chunk *= 2) {
            omp_set_schedule((omp_sched_t)(k + 1), chunk);
            double per_loop = measure(scheduled) * reps / loops();
            printf("%s_%-9d %10.3f\n", kinds[k], chunk, per_loop - loop_ref);
        }
    }
    printf("threads %d\n", threads);
    return 0;
}
