/* EPCC-style OpenMP overhead microbenchmark (after the method of the EPCC OpenMP
 * microbenchmarks: the overhead of a construct is the time of a loop of `reps` constructs, each
 * around a short fixed delay, minus the time of the same loop of delays without the construct,
 * divided by `reps`). Written for parfor; the same binary runs on libgomp, on parfor's drop-in and
 * on LLVM's libomp (gomp/bench/run.sh). Prints one line per construct:
 *   construct  overhead_us  (median of OUTER repetitions)
 * Times are per construct, in microseconds, with a delay of about 0.1 us inside each.
 * Usage: epcc [reps] [outer] [only]   (threads from OMP_NUM_THREADS; `only`: a comma-separated
 * list of the rows to run, e.g. ordered,ordered_block,doacross) */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* `ordered` with schedule(static), no chunk: each thread runs one block and passes the ordered
 * turn once (LLVM libomp's GOMP layer runs the `ordered` row, static,1, this way too: it ignores
 * gcc's chunk for GOMP_loop_ordered_static_start; this row is the like-for-like comparison). */
static void ordered_block(void) {
#pragma omp parallel for ordered schedule(static)
    for (int j = 0; j < reps; j++) {
#pragma omp ordered
        delay(delay_length);
    }
}

/* A doacross wavefront: rows dealt round-robin (static, 1), each iteration waiting for the one
 * above it (another thread) and the one before it (its own); its overhead is measured against
 * the same loop without the dependences (wavefront_reference), per iteration. */
#define COLS 40
static int rows(void) { return reps / COLS; }

static void doacross(void) {
#pragma omp parallel for ordered(2) schedule(static, 1)
    for (int i = 0; i < rows(); i++)
        for (int j = 0; j < COLS; j++) {
#pragma omp ordered depend(sink: i - 1, j) depend(sink: i, j - 1)
            delay(delay_length);
#pragma omp ordered depend(source)
        }
}

static void wavefront_reference(void) {
#pragma omp parallel for schedule(static, 1)
    for (int i = 0; i < rows(); i++)
        for (int j = 0; j < COLS; j++) delay(delay_length);
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

/* Whether row `name` is to run: every row unless `only` lists some. */
static const char *only;
static int wanted(const char *name) {
    if (!only) return 1;
    size_t n = strlen(name);
    for (const char *p = only; (p = strstr(p, name)) != NULL; p += n)
        if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == 0)) return 1;
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1) reps = atoi(argv[1]);
    if (argc > 2) outer = atoi(argv[2]);
    if (argc > 3) only = argv[3];
    if (outer < 1 || outer > 64 || reps < COLS) return 2;
    omp_init_lock(&lock);
    int threads = omp_get_max_threads();
    struct { const char *name; void (*body)(void); } constructs[] = {
        {"parallel", parallel}, {"for", for_}, {"parallel_for", parallel_for},
        {"barrier", barrier}, {"single", single}, {"critical", critical},
        {"lock_unlock", lock_unlock}, {"ordered", ordered}, {"ordered_block", ordered_block},
        {"atomic", atomic}, {"reduction", reduction},
    };
    parallel(); /* warm up the pool */
    double ref = measure(reference);
    for (size_t c = 0; c < sizeof constructs / sizeof constructs[0]; c++) {
        /* Each measure is per rep. Mutual exclusion runs reps/threads times on each thread, one
         * at a time: reps in all, so its time per rep already is per construct. */
        if (wanted(constructs[c].name))
            printf("%-16s %10.3f\n", constructs[c].name, measure(constructs[c].body) - ref);
    }
    if (wanted("doacross")) {
        double d = measure_total(doacross) - measure_total(wavefront_reference);
        printf("%-16s %10.3f\n", "doacross", d / (rows() * COLS));
    }
    const char *kinds[] = {"static", "dynamic", "guided"};
    double loop_ref = -1; /* measured before the first schedule row that runs */
    for (int k = 0; k < 3; k++) {
        for (int chunk = 1; chunk <= 128; chunk *= 2) {
            char name[32];
            snprintf(name, sizeof name, "%s_%d", kinds[k], chunk);
            if (!wanted(name)) continue;
            if (loop_ref < 0) loop_ref = measure(scheduled_reference) * reps / loops();
            omp_set_schedule((omp_sched_t)(k + 1), chunk);
            double per_loop = measure(scheduled) * reps / loops();
            printf("%s_%-9d %10.3f\n", kinds[k], chunk, per_loop - loop_ref);
        }
    }
    printf("threads %d\n", threads);
    return 0;
}
