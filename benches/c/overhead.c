/* EPCC-style overhead microbenchmarks (syncbench, schedbench) for libgomp: each function is one
 * parallel construct, timed from Rust by criterion (benches/benches/overhead_openmp.rs). The Rust
 * side of every other runtime does the same loops (benches/src/overhead.rs).
 *
 * The ~100 ns body of the dynamic-schedule test is bench_delay() in delay.c, a separate object
 * file (no LTO): every runtime calls the very same out-of-line function. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <omp.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* The thread check of the overhead harness: schedule(dynamic, 1) over `iters` calls of the delay
 * body, counting the iterations each OS thread ran. Thread i of the returned count (at most
 * `max`) wrote its Linux thread id to tids[i] and its iteration count to counts[i]. No omp_*
 * function is called, so the clang build never reaches libgomp's omp_* (both runtimes are linked
 * into the bench library; see build.rs). */
int c_ovh_thread_counts(uint32_t iters, uint32_t reps, int64_t *tids, uint64_t *counts, int max) {
    int next = 0;
#pragma omp parallel
    {
        uint64_t mine = 0;
#pragma omp for schedule(dynamic, 1) nowait
        for (uint32_t i = 0; i < iters; i++) {
            bench_delay(reps);
            mine++;
        }
        int slot = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
        if (slot < max) {
            tids[slot] = (int64_t)syscall(SYS_gettid);
            counts[slot] = mine;
        }
    }
    return next < max ? next : max;
}

/* The file name of the shared library that provides `symbol` to this process ("" if none):
 * which OpenMP runtime a build's calls reach. */
const char *c_symbol_provider(const char *symbol) {
    Dl_info info;
    void *p = dlsym(RTLD_DEFAULT, symbol);
    if (p == NULL || dladdr(p, &info) == 0 || info.dli_fname == NULL) return "";
    return info.dli_fname;
}
