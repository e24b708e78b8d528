/* libgomp's side of examples/overhead.rs: the same two loops, the same batching.
 * gcc -O2 -fopenmp runtime/examples/overhead_omp.c -o /tmp/overhead_omp && /tmp/overhead_omp */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static volatile double sink;

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double empty_region(int threads) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < threads; i++) sink = i;
    return 0;
}

static double reduce_1000(int threads) {
    double s = 0;
    (void)threads;
#pragma omp parallel for schedule(static) reduction(+ : s)
    for (int i = 0; i < 1000; i++) s += (double)i;
    sink = s;
    return s;
}

static double per_call(double (*f)(int), int threads) {
    const int reps = 100000;
    double batches[7];
    for (int i = 0; i < reps / 10; i++) f(threads);
    for (int b = 0; b < 7; b++) {
        double t = omp_get_wtime();
        for (int i = 0; i < reps; i++) f(threads);
        batches[b] = (omp_get_wtime() - t) / reps;
    }
    qsort(batches, 7, sizeof batches[0], cmp);
    return batches[3];
}

/* The median over 7 regions of the time per barrier, each region running reps barriers. */
static double per_barrier(void) {
    const int reps = 20000;
    double batches[7];
    for (int b = -1; b < 7; b++) {
        int n = b < 0 ? reps / 10 : reps;
        double t = omp_get_wtime();
#pragma omp parallel
        for (int i = 0; i < n; i++) {
#pragma omp barrier
        }
        if (b >= 0) batches[b] = (omp_get_wtime() - t) / reps;
    }
    qsort(batches, 7, sizeof batches[0], cmp);
    return batches[3];
}

int main(void) {
    int threads = omp_get_max_threads();
    double e = per_call(empty_region, threads), r = per_call(reduce_1000, threads);
    double b = per_barrier();
    printf("openmp threads=%d empty_region_us=%.3f reduce_1000_us=%.3f barrier_us=%.3f\n", threads, e * 1e6,
           r * 1e6, b * 1e6);
    return 0;
}
