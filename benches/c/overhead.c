/* EPCC-style overhead microbenchmarks (syncbench, schedbench) for libgomp: each function is one
 * parallel construct, timed from Rust by criterion (benches/benches/overhead_openmp.rs). The Rust
 * side of every other runtime does the same loops (benches/src/overhead.rs).
 *
 * The ~100 ns body of the dynamic-schedule test is bench_delay() in delay.c, a separate object
 * file (no LTO): every runtime calls the very same out-of-line function. */
#include <omp.h>
#include <stdint.h>

#include "delay.h"

static volatile uint64_t sink_u;
static volatile double sink_d;

/* An empty region with one iteration per thread. */
void c_ovh_empty_region(void) {
    int threads = omp_get_max_threads();
#pragma omp parallel for schedule(static)
    for (int i = 0; i < threads; i++) sink_u = (uint64_t)i;
}

/* parallel for over 1000 trivial iterations (the body stores its index through a volatile). */
void c_ovh_for_1000(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < 1000; i++) sink_u = (uint64_t)i;
}

/* A 1000-iteration sum reduction. */
double c_ovh_reduce_1000(void) {
    double s = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : s)
    for (int i = 0; i < 1000; i++) s += (double)i;
    sink_d = s;
    return s;
}

/* schedule(dynamic, 1) over 10,000 iterations of the ~100 ns body. */
void c_ovh_dynamic_10000(uint32_t reps) {
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < 10000; i++) bench_delay(reps);
}

/* 100 regions back to back, each a static loop over 1000 elements of a shared array. */
void c_ovh_regions_100(double *a) {
    for (int r = 0; r < 100; r++) {
#pragma omp parallel for schedule(static)
        for (int i = 0; i < 1000; i++) a[i] += 1.0;
    }
}

/* One region in which every thread passes 1000 barriers (per barrier: time / 1000). */
void c_ovh_barriers_1000(void) {
#pragma omp parallel
    for (int r = 0; r < 1000; r++) {
#pragma omp barrier
    }
}
