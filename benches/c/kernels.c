/* The eight kernels of shared/kernels.md in plain C: a serial version (plain loops) and an OpenMP
 * version of each, the same algorithm as parfor-kernels (the same fixed blocks, the same PCG64
 * stream per block or task, the same order of floating-point operations, the same partials folded
 * in block order), so every result has the same bits as the Rust kernels'. Only the parallel loop
 * differs: an `omp parallel for` with the schedule of the kernel's DEFAULT_SCHEDULE in parfor.
 *
 * Built with `gcc -O2 -fopenmp` (no -ffast-math) by benches/build.rs; called from Rust over FFI
 * (benches/src/ffi.rs). The block sizes and schedules below are checked against the Rust
 * constants by benches/tests/c_matches.rs through c_kernel_constant().
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcg64.h"

/* Block sizes: parfor_kernels::{pi,wealth,weather,roots,roots_sum,grid_max,bootstrap}::BLOCK. */
#define PI_BLOCK 65536ULL
#define WEALTH_BLOCK 64ULL
#define WEATHER_BLOCK 1024ULL
#define ROOTS_BLOCK 16384ULL
#define ROOTS_SUM_BLOCK 16ULL
#define GRID_ROWS_PER_BLOCK 8ULL
#define BOOTSTRAP_BLOCK 64ULL

/* Chunk sizes (in blocks) of each kernel's DEFAULT_SCHEDULE; roots is static. */
#define PI_CHUNK 4
#define WEALTH_CHUNK 1
#define WEATHER_CHUNK 2
#define ROOTS_SUM_CHUNK 4
#define GRID_CHUNK 2
#define BOOTSTRAP_CHUNK 2
#define MANDEL_CHUNK 1

uint64_t c_kernel_constant(const char *name) {
    static const struct {
        const char *name;
        uint64_t value;
    } table[] = {
        {"pi.block", PI_BLOCK},
        {"wealth.block", WEALTH_BLOCK},
        {"weather.block", WEATHER_BLOCK},
        {"roots.block", ROOTS_BLOCK},
        {"roots_sum.block", ROOTS_SUM_BLOCK},
        {"grid_max.rows_per_block", GRID_ROWS_PER_BLOCK},
        {"bootstrap.block", BOOTSTRAP_BLOCK},
        {"pi.chunk", PI_CHUNK},
        {"wealth.chunk", WEALTH_CHUNK},
        {"weather.chunk", WEATHER_CHUNK},
        {"roots_sum.chunk", ROOTS_SUM_CHUNK},
        {"grid_max.chunk", GRID_CHUNK},
        {"bootstrap.chunk", BOOTSTRAP_CHUNK},
        {"mandelbrot.chunk", MANDEL_CHUNK},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0) return table[i].value;
    return 0;
}

static inline uint64_t count_blocks(uint64_t n, uint64_t block) { return (n + block - 1) / block; }

static inline uint64_t block_end(uint64_t b, uint64_t block, uint64_t n) {
    uint64_t hi = (b + 1) * block;
    return hi < n ? hi : n;
}

/* parfor_kernels::blocks::linspace. */
static inline double linspace(double start, double stop, uint64_t n, uint64_t i) {
    if (n <= 1) return start;
    if (i == n - 1) return stop;
    double step = (stop - start) / (double)(n - 1);
    return start + (double)i * step;
}

/* Sets the run-sched-var for the schedule(runtime) variants: kind 1 static, 2 dynamic, 3 guided. */
void c_set_schedule(int kind, int chunk) {
    omp_sched_t k = kind == 2 ? omp_sched_dynamic : kind == 3 ? omp_sched_guided : omp_sched_static;
    omp_set_schedule(k, chunk);
}

int c_max_threads(void) { return omp_get_max_threads(); }

/* omp_set_num_threads: the team size of later regions (the benches' scaling group). */
void c_set_threads(int n) { omp_set_num_threads(n); }

/* ---------------------------------------------------------------- pi: returns the hit count */

static uint64_t pi_block_hits(uint64_t n, uint64_t seed, uint64_t b) {
    pcg64 rng = pcg64_stream(seed, b);
    uint64_t hits = 0, end = block_end(b, PI_BLOCK, n);
    for (uint64_t i = b * PI_BLOCK; i < end; i++) {
        double u = pcg64_uniform(&rng);
        double v = pcg64_uniform(&rng);
        double du = u - 0.5, dv = v - 0.5;
        hits += du * du + dv * dv < 0.25;
    }
    return hits;
}

uint64_t c_pi_serial(uint64_t n, uint64_t seed) {
    uint64_t hits = 0, blocks = count_blocks(n, PI_BLOCK);
    for (uint64_t b = 0; b < blocks; b++) hits += pi_block_hits(n, seed, b);
    return hits;
}

uint64_t c_pi_omp(uint64_t n, uint64_t seed) {
    uint64_t hits = 0, blocks = count_blocks(n, PI_BLOCK);
#pragma omp parallel for schedule(dynamic, PI_CHUNK) reduction(+ : hits)
    for (uint64_t b = 0; b < blocks; b++) hits += pi_block_hits(n, seed, b);
    return hits;
}

/* ---------------------------------------------------------------- wealth: returns the median */

typedef struct {
    uint64_t households;
    uint32_t steps;
    double r, s, v1, v2, w0;
} wealth_params;

static inline double wealth_household(const wealth_params *p, uint64_t seed, uint64_t h) {
    pcg64 rng = pcg64_stream(seed, h);
    double growth = 1.0 + p->r, w = p->w0;
    for (uint32_t t = 0; t < p->steps; t++) {
        double xi = pcg64_normal(&rng);
        double zeta = pcg64_normal(&rng);
        double big_r = exp(p->v1 * xi) * growth;
        double y = exp(p->v2 * zeta);
        w = big_r * p->s * w + y;
    }
    return w;
}

/* Hoare-style quickselect: the k-th smallest of v, with every element before it no larger
 * (reorders v). */
static double select_kth(double *v, size_t n, size_t k) {
    int64_t lo = 0, hi = (int64_t)n - 1, kk = (int64_t)k;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        if (kk <= j)
            hi = j;
        else if (kk >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/* parfor_kernels::wealth::median: the middle value, or the mean of the two middle ones. */
static double median(double *v, size_t n) {
    if (n == 0) return NAN;
    double hi = select_kth(v, n, n / 2);
    if (n % 2 == 1) return hi;
    double lo = v[0];
    for (size_t i = 1; i < n / 2; i++)
        if (v[i] > lo) lo = v[i];
    return 0.5 * (lo + hi);
}

double c_wealth_serial(const wealth_params *p, uint64_t seed, double *w) {
    for (uint64_t h = 0; h < p->households; h++) w[h] = wealth_household(p, seed, h);
    return median(w, p->households);
}

double c_wealth_omp(const wealth_params *p, uint64_t seed, double *w) {
    uint64_t blocks = count_blocks(p->households, WEALTH_BLOCK);
#pragma omp parallel for schedule(dynamic, WEALTH_CHUNK)
    for (uint64_t b = 0; b < blocks; b++) {
        uint64_t end = block_end(b, WEALTH_BLOCK, p->households);
        for (uint64_t h = b * WEALTH_BLOCK; h < end; h++) w[h] = wealth_household(p, seed, h);
    }
    return median(w, p->households);
}

/* ---------------------------------------------------------------- weather: mean and std */

typedef struct {
    uint64_t runs;
    uint32_t steps;
    double start, center, sd;
} weather_params;

typedef struct {
    uint64_t count;
    double mean, m2;
} moments;

static inline void moments_push(moments *m, double x) {
    m->count += 1;
    double d = x - m->mean;
    m->mean += d / (double)m->count;
    m->m2 += d * (x - m->mean);
}

static moments moments_merge(moments a, moments b) {
    if (a.count == 0) return b;
    if (b.count == 0) return a;
    double na = (double)a.count, nb = (double)b.count, n = na + nb;
    double delta = b.mean - a.mean;
    moments m = {a.count + b.count, a.mean + delta * (nb / n), a.m2 + b.m2 + delta * delta * (na * nb / n)};
    return m;
}

static moments weather_block(const weather_params *p, uint64_t seed, uint64_t b) {
    pcg64 rng = pcg64_stream(seed, b);
    moments m = {0, 0.0, 0.0};
    uint64_t end = block_end(b, WEATHER_BLOCK, p->runs);
    for (uint64_t r = b * WEATHER_BLOCK; r < end; r++) {
        double t = p->start;
        for (uint32_t s = 0; s < p->steps; s++) {
            double z = pcg64_normal(&rng);
            t = 0.5 * (p->center + t) + p->sd * z;
        }
        moments_push(&m, t);
    }
    return m;
}

static void weather_finish(moments m, double *mean, double *std) {
    *mean = m.count == 0 ? NAN : m.mean;
    *std = sqrt(m.m2 / (double)m.count);
}

void c_weather_serial(const weather_params *p, uint64_t seed, double *mean, double *std) {
    moments total = {0, 0.0, 0.0};
    uint64_t blocks = count_blocks(p->runs, WEATHER_BLOCK);
    for (uint64_t b = 0; b < blocks; b++) total = moments_merge(total, weather_block(p, seed, b));
    weather_finish(total, mean, std);
}

void c_weather_omp(const weather_params *p, uint64_t seed, double *mean, double *std) {
    uint64_t blocks = count_blocks(p->runs, WEATHER_BLOCK);
    moments *per_block = malloc(blocks * sizeof *per_block);
#pragma omp parallel for schedule(dynamic, WEATHER_CHUNK)
    for (uint64_t b = 0; b < blocks; b++) per_block[b] = weather_block(p, seed, b);
    moments total = {0, 0.0, 0.0};
    for (uint64_t b = 0; b < blocks; b++) total = moments_merge(total, per_block[b]);
    free(per_block);
    weather_finish(total, mean, std);
}

/* ---------------------------------------------------------------- roots: out[i] = sqrt(x[i]) */

void c_roots_input(uint64_t seed, double *x, uint64_t n) {
    uint64_t blocks = count_blocks(n, ROOTS_BLOCK);
    for (uint64_t b = 0; b < blocks; b++) {
        pcg64 rng = pcg64_stream(seed, b);
        uint64_t end = block_end(b, ROOTS_BLOCK, n);
        for (uint64_t i = b * ROOTS_BLOCK; i < end; i++) x[i] = 500.0 * pcg64_uniform(&rng);
    }
}

void c_roots_serial(const double *x, float *out, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) out[i] = (float)sqrt(x[i]);
}

void c_roots_omp(const double *x, float *out, uint64_t n) {
    uint64_t blocks = count_blocks(n, ROOTS_BLOCK);
#pragma omp parallel for schedule(static)
    for (uint64_t b = 0; b < blocks; b++) {
        uint64_t end = block_end(b, ROOTS_BLOCK, n);
        for (uint64_t i = b * ROOTS_BLOCK; i < end; i++) out[i] = (float)sqrt(x[i]);
    }
}

/* ---------------------------------------------------------------- roots_sum: O(n^2) */

/* std::hint::black_box(x): the optimiser must assume the pointer (and what it points to) may have
 * changed, so the loop-invariant inner sum is recomputed for every output element. */
static inline double sum_of_roots(const double *x, uint64_t n) {
    __asm__ volatile("" : "+r"(x) : : "memory");
    double s = 0.0;
    for (uint64_t j = 0; j < n; j++) s += sqrt(x[j]);
    return s;
}

void c_roots_sum_serial(const double *x, double *out, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) out[i] = sum_of_roots(x, n);
}

static inline void roots_sum_block(const double *x, double *out, uint64_t n, uint64_t b) {
    uint64_t end = block_end(b, ROOTS_SUM_BLOCK, n);
    for (uint64_t i = b * ROOTS_SUM_BLOCK; i < end; i++) out[i] = sum_of_roots(x, n);
}

void c_roots_sum_omp(const double *x, double *out, uint64_t n) {
    uint64_t blocks = count_blocks(n, ROOTS_SUM_BLOCK);
#pragma omp parallel for schedule(dynamic, ROOTS_SUM_CHUNK)
    for (uint64_t b = 0; b < blocks; b++) roots_sum_block(x, out, n, b);
}

/* The schedule set by c_set_schedule. */
void c_roots_sum_omp_runtime(const double *x, double *out, uint64_t n) {
    uint64_t blocks = count_blocks(n, ROOTS_SUM_BLOCK);
#pragma omp parallel for schedule(runtime)
    for (uint64_t b = 0; b < blocks; b++) roots_sum_block(x, out, n, b);
}

/* ---------------------------------------------------------------- grid_max */

static inline double grid_f(double x, double y) {
    double r2 = x * x + y * y;
    return cos(r2) / (1.0 + r2);
}

/* The grid's points, computed once (parfor_kernels::grid_max::grid); NULL when out of memory. */
static double *grid_points(uint64_t n) {
    double *g = malloc((n ? n : 1) * sizeof *g);
    if (g)
        for (uint64_t i = 0; i < n; i++) g[i] = linspace(-3.0, 3.0, n, i);
    return g;
}

/* Returns NaN when the grid cannot be allocated. */
double c_grid_max_serial(uint64_t n) {
    double *g = grid_points(n);
    if (!g) return NAN;
    double m = -INFINITY;
    for (uint64_t i = 0; i < n; i++) {
        double x = g[i];
        for (uint64_t j = 0; j < n; j++) {
            double y = g[j];
            double r2 = x * x + y * y;
            double v = cos(r2) / (1.0 + r2);
            if (v > m) m = v;
        }
    }
    free(g);
    return m;
}

static double grid_block_max(const double *g, uint64_t n, uint64_t b) {
    double m = -INFINITY;
    uint64_t end = block_end(b, GRID_ROWS_PER_BLOCK, n);
    for (uint64_t i = b * GRID_ROWS_PER_BLOCK; i < end; i++) {
        double x = g[i];
        for (uint64_t j = 0; j < n; j++) {
            double v = grid_f(x, g[j]);
            if (v > m) m = v;
        }
    }
    return m;
}

/* Returns NaN when the grid cannot be allocated. */
double c_grid_max_omp(uint64_t n) {
    double *g = grid_points(n);
    if (!g) return NAN;
    double m = -INFINITY;
    uint64_t blocks = count_blocks(n, GRID_ROWS_PER_BLOCK);
#pragma omp parallel for schedule(dynamic, GRID_CHUNK) reduction(max : m)
    for (uint64_t b = 0; b < blocks; b++) {
        double v = grid_block_max(g, n, b);
        if (v > m) m = v;
    }
    free(g);
    return m;
}

/* ---------------------------------------------------------------- bootstrap */

static inline void bootstrap_task(uint64_t draws, uint64_t seed, uint64_t k, double *buf, double *mean,
                                  double *std) {
    pcg64 rng = pcg64_stream(seed, k);
    for (uint64_t d = 0; d < draws; d++) buf[d] = pcg64_normal(&rng);
    double n = (double)draws, sum = 0.0, ss = 0.0;
    for (uint64_t d = 0; d < draws; d++) sum += buf[d];
    double m = sum / n;
    for (uint64_t d = 0; d < draws; d++) ss += (buf[d] - m) * (buf[d] - m);
    *mean = m;
    *std = sqrt(ss / n);
}

/* parfor_kernels::bootstrap::Summary::from_tasks: block sums in task order, folded in block order. */
static void bootstrap_summary(const double *means, const double *stds, uint64_t tasks, double *mean_of_means,
                              double *mean_of_stds) {
    double m = 0.0, s = 0.0;
    uint64_t blocks = count_blocks(tasks, BOOTSTRAP_BLOCK);
    for (uint64_t b = 0; b < blocks; b++) {
        double bm = 0.0, bs = 0.0;
        uint64_t end = block_end(b, BOOTSTRAP_BLOCK, tasks);
        for (uint64_t k = b * BOOTSTRAP_BLOCK; k < end; k++) {
            bm += means[k];
            bs += stds[k];
        }
        m += bm;
        s += bs;
    }
    *mean_of_means = m / (double)tasks;
    *mean_of_stds = s / (double)tasks;
}

void c_bootstrap_serial(uint64_t tasks, uint64_t draws, uint64_t seed, double *means, double *stds,
                        double summary[2]) {
    double *buf = malloc((draws ? draws : 1) * sizeof *buf);
    for (uint64_t k = 0; k < tasks; k++) bootstrap_task(draws, seed, k, buf, &means[k], &stds[k]);
    free(buf);
    bootstrap_summary(means, stds, tasks, &summary[0], &summary[1]);
}

void c_bootstrap_omp(uint64_t tasks, uint64_t draws, uint64_t seed, double *means, double *stds,
                     double summary[2]) {
    uint64_t blocks = count_blocks(tasks, BOOTSTRAP_BLOCK);
#pragma omp parallel
    {
        double *buf = malloc((draws ? draws : 1) * sizeof *buf);
#pragma omp for schedule(dynamic, BOOTSTRAP_CHUNK)
        for (uint64_t b = 0; b < blocks; b++) {
            uint64_t end = block_end(b, BOOTSTRAP_BLOCK, tasks);
            for (uint64_t k = b * BOOTSTRAP_BLOCK; k < end; k++)
                bootstrap_task(draws, seed, k, buf, &means[k], &stds[k]);
        }
        free(buf);
    }
    bootstrap_summary(means, stds, tasks, &summary[0], &summary[1]);
}

/* ---------------------------------------------------------------- mandelbrot */

static inline uint32_t escape_count(double cr, double ci, uint32_t max_iter) {
    double zr = 0.0, zi = 0.0;
    uint32_t k = 0;
    while (k < max_iter) {
        double zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4.0) break;
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        k++;
    }
    return k;
}

static inline uint64_t mandel_row(uint32_t w, uint32_t h, uint32_t max_iter, uint64_t py, uint32_t *row) {
    double ci = linspace(-1.5, 1.5, h, py);
    uint64_t total = 0;
    for (uint64_t px = 0; px < w; px++) {
        row[px] = escape_count(linspace(-2.0, 1.0, w, px), ci, max_iter);
        total += row[px];
    }
    return total;
}

uint64_t c_mandelbrot_serial(uint32_t w, uint32_t h, uint32_t max_iter, uint32_t *counts) {
    uint64_t total = 0;
    for (uint64_t py = 0; py < h; py++) {
        double ci = linspace(-1.5, 1.5, h, py);
        for (uint64_t px = 0; px < w; px++) {
            uint32_t k = escape_count(linspace(-2.0, 1.0, w, px), ci, max_iter);
            counts[py * w + px] = k;
            total += k;
        }
    }
    return total;
}

uint64_t c_mandelbrot_omp(uint32_t w, uint32_t h, uint32_t max_iter, uint32_t *counts) {
    uint64_t total = 0;
#pragma omp parallel for schedule(dynamic, MANDEL_CHUNK) reduction(+ : total)
    for (uint64_t py = 0; py < h; py++) total += mandel_row(w, h, max_iter, py, counts + py * w);
    return total;
}

/* The schedule set by c_set_schedule. */
uint64_t c_mandelbrot_omp_runtime(uint32_t w, uint32_t h, uint32_t max_iter, uint32_t *counts) {
    uint64_t total = 0;
#pragma omp parallel for schedule(runtime) reduction(+ : total)
    for (uint64_t py = 0; py < h; py++) total += mandel_row(w, h, max_iter, py, counts + py * w);
    return total;
}
