/* The timing harness shared by epcc.c and taskbench.c (the EPCC method): a fixed delay as the unit
 * of work, the serial reference loop of `reps` delays, and the median of `outer` timed runs.
 * `reps` and `outer` are set from the command line by each program's main. */
#ifndef PARFOR_BENCH_HARNESS_H
#define PARFOR_BENCH_HARNESS_H
#include <omp.h>
#include <stdlib.h>

static int reps = 2000, outer = 7, delay_length = 100;
static volatile double sink;

/* About 0.1 us of work that the compiler cannot remove. */
static void delay(int n) {
    double a = 0;
    for (int i = 0; i < n; i++) a += i;
    if (a < 0) sink = a;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median over `outer` (at most 64) runs of body()'s time, in microseconds. */
static double measure_total(void (*body)(void)) {
    double t[64];
    for (int k = 0; k < outer; k++) {
        double t0 = omp_get_wtime();
        body();
        t[k] = (omp_get_wtime() - t0) * 1e6;
    }
    qsort(t, outer, sizeof t[0], cmp_double);
    return t[outer / 2];
}

/* `reps` delays one after another: what every test's time is compared with. */
static void reference(void) {
    for (int j = 0; j < reps; j++) delay(delay_length);
}
#endif
