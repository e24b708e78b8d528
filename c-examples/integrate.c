/* integrate.c: a C program parallelising its own loop with parfor's callbacks.
 * Integrates 4/(1+x^2) over [0,1] with the midpoint rule (the integral is pi), once with a
 * reduction and once with parfor_parallel_for writing per-thread partials.
 *
 *   make integrate && LD_LIBRARY_PATH=../target/release ./integrate [n]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "parfor.h"

typedef struct {
    int64_t n;
    double h;
} problem;

static double slice(int64_t begin, int64_t end, void *ctx) {
    const problem *p = ctx;
    double s = 0.0;
    for (int64_t i = begin; i < end; i++) {
        double x = (i + 0.5) * p->h;
        s += 4.0 / (1.0 + x * x);
    }
    return s * p->h;
}

typedef struct {
    const problem *p;
    double *per_iteration;
} fill_ctx;

static void fill(int64_t begin, int64_t end, void *ctx) {
    fill_ctx *f = ctx;
    for (int64_t i = begin; i < end; i++) f->per_iteration[i] = slice(i, i + 1, (void *)f->p);
}

int main(int argc, char **argv) {
    problem p = {argc > 1 ? atoll(argv[1]) : 10000000, 0};
    if (p.n < 1) {
        fprintf(stderr, "integrate: n must be positive\n");
        return 2;
    }
    p.h = 1.0 / (double)p.n;
    double pi = 0;
    parfor_schedule sched = {PARFOR_STATIC, 0};
    int rc = parfor_parallel_reduce_f64(0, p.n, sched, PARFOR_SUM, slice, &p, &pi);
    if (rc != PARFOR_OK) {
        fprintf(stderr, "integrate: %s\n", parfor_status_message(rc));
        return 1;
    }
    /* The same integral from a parallel_for filling an array, summed serially. */
    int64_t m = p.n < 100000 ? p.n : 100000;
    problem q = {m, 1.0 / (double)m};
    double *parts = malloc((size_t)m * sizeof *parts);
    if (!parts) return 1;
    fill_ctx f = {&q, parts};
    rc = parfor_parallel_for(0, m, (parfor_schedule){PARFOR_DYNAMIC, 1000}, fill, &f);
    double pi2 = 0;
    for (int64_t i = 0; i < m; i++) pi2 += parts[i];
    free(parts);
    if (rc != PARFOR_OK) {
        fprintf(stderr, "integrate: %s\n", parfor_status_message(rc));
        return 1;
    }
    printf("threads=%d n=%lld pi~%.12f error=%.3e\n", parfor_get_num_threads(), (long long)p.n, pi,
           fabs(pi - 3.14159265358979323846));
    printf("parallel_for n=%lld pi~%.12f\n", (long long)m, pi2);
    int ok = fabs(pi - 3.14159265358979323846) < 1e-9 && fabs(pi2 - 3.14159265358979323846) < 1e-8;
    puts(ok ? "integrate: OK" : "integrate: WRONG");
    return ok ? 0 : 1;
}
