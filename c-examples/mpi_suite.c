/* mpi_suite.c: the reducing kernels of the seed suite across MPI ranks x parfor threads, with
 * results bit-identical for any split (and to `parfor run KERNEL --seed SEED` in one process);
 * plus `affinity`, which shows where each rank's parfor threads run.
 *
 *   make -C c-examples mpi
 *   OMP_NUM_THREADS=1 OMP_PROC_BIND=close mpirun -np 2 --bind-to core --map-by slot:PE=1 \
 *       -x OMP_NUM_THREADS -x OMP_PROC_BIND -x LD_LIBRARY_PATH ./build/mpi_suite all full
 *
 *   mpi_suite KERNEL [small|full] [seed]
 *     KERNEL: pi, weather, bootstrap, grid_max, mandelbrot, all (the five), or affinity
 *     sizes as `parfor run --size`: small is the test size, full the suite's size (default)
 *
 * Rank 0 prints one line per kernel:
 *   mpi_suite: kernel=pi size=full ranks=2 threads=1 result=%.17g bits=0x... time=...s
 * (weather adds std=, bootstrap mean_of_means=; result is what `parfor run` reports: pi's
 * estimate, weather's mean, bootstrap's mean of stds, grid_max's maximum, mandelbrot's total).
 *
 * Work split: every kernel has a fixed number of blocks that depends on the problem only.
 * Rank r of R takes the contiguous blocks [lo_r, hi_r) with q = nblocks / R, m = nblocks % R,
 * lo_r = r*q + min(r, m): shares differ by at most one block and follow each other in rank
 * order. Each rank runs its share with parfor_<kernel>_blocks on OMP_NUM_THREADS threads; rank 0
 * gathers the partials (MPI_Gather / MPI_Gatherv, in rank order, never MPI_Reduce whose MPI_SUM
 * order is unspecified) and folds them in block order with parfor_<kernel>_finish.
 */
#define _GNU_SOURCE /* sched_getaffinity, sched_getcpu, CPU_* */
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "parfor.h"

static int rank = 0, nranks = 1;

static void check(int rc, const char *what) {
    if (rc != PARFOR_OK) {
        fprintf(stderr, "mpi_suite (rank %d): %s: %s\n", rank, what, parfor_status_message(rc));
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

static void *alloc(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "mpi_suite (rank %d): out of memory\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return p;
}

/* Rank r's blocks [*lo, *hi) of nblocks. */
static void share(uint64_t nblocks, int r, uint64_t *lo, uint64_t *hi) {
    uint64_t q = nblocks / (uint64_t)nranks, m = nblocks % (uint64_t)nranks, k = (uint64_t)r;
    *lo = k * q + (k < m ? k : m);
    *hi = *lo + q + (k < m ? 1 : 0);
}

/* Gathers every rank's per-block items (each `item` bytes) into `all` on rank 0, in block order. */
static void gather_blocks(const void *mine, uint64_t nblocks, size_t item, void *all) {
    int *counts = alloc((size_t)nranks * sizeof *counts), *displs = alloc((size_t)nranks * sizeof *displs);
    if (nblocks * item > INT_MAX) {
        fprintf(stderr, "mpi_suite: %" PRIu64 " blocks are too many for one MPI_Gatherv\n", nblocks);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (int r = 0; r < nranks; r++) {
        uint64_t lo, hi;
        share(nblocks, r, &lo, &hi);
        counts[r] = (int)((hi - lo) * item);
        displs[r] = (int)(lo * item);
    }
    /* Bytes: every rank runs the same binary on the same architecture, so the structs' layout
     * (plain uint64_t and double fields, no padding) is the same on every rank. */
    MPI_Gatherv(mine, counts[rank], MPI_BYTE, all, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
    free(counts);
    free(displs);
}

typedef struct {
    uint64_t pi_n;
    uint64_t weather_runs;
    uint32_t weather_steps;
    uint64_t boot_tasks, boot_draws;
    uint64_t grid_n;
    uint32_t mb_width, mb_height, mb_iter;
} sizes;

/* The suite's sizes (kernels' Params::small() and Params::default()). */
static const sizes SMALL = {1000000, 100000, 100, 2000, 1000, 600, 300, 300, 1000};
static const sizes FULL = {100000000, 5000000, 100, 100000, 1000, 5000, 2000, 2000, 1000};

typedef struct {
    double result;
    int has_extra;
    const char *extra_name;
    double extra;
    int integer; /* result is an integer count (mandelbrot) */
    uint64_t count;
} outcome;

static outcome run_pi(const sizes *s, uint64_t seed) {
    outcome o = {0};
    uint64_t nb, lo, hi;
    check(parfor_pi_num_blocks(s->pi_n, &nb), "parfor_pi_num_blocks");
    share(nb, rank, &lo, &hi);
    parfor_pi_partial mine, *all = rank == 0 ? alloc((size_t)nranks * sizeof *all) : NULL;
    check(parfor_pi_blocks(s->pi_n, seed, lo, hi, &mine), "parfor_pi_blocks");
    MPI_Gather(&mine, 4, MPI_UINT64_T, all, 4, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (rank == 0) check(parfor_pi_finish(all, (size_t)nranks, &o.result), "parfor_pi_finish");
    free(all);
    return o;
}

static outcome run_weather(const sizes *s, uint64_t seed) {
    outcome o = {0};
    uint64_t nb, lo, hi;
    check(parfor_weather_num_blocks(s->weather_runs, &nb), "parfor_weather_num_blocks");
    share(nb, rank, &lo, &hi);
    parfor_moments *mine = alloc((size_t)(hi - lo) * sizeof *mine);
    parfor_moments *all = rank == 0 ? alloc((size_t)nb * sizeof *all) : NULL;
    check(parfor_weather_blocks(s->weather_runs, s->weather_steps, seed, lo, hi, mine, (size_t)(hi - lo)),
          "parfor_weather_blocks");
    gather_blocks(mine, nb, sizeof *mine, all);
    if (rank == 0) {
        check(parfor_weather_finish(all, (size_t)nb, &o.result, &o.extra), "parfor_weather_finish");
        o.has_extra = 1;
        o.extra_name = "std";
    }
    free(mine);
    free(all);
    return o;
}

static outcome run_bootstrap(const sizes *s, uint64_t seed) {
    outcome o = {0};
    uint64_t nb, lo, hi;
    check(parfor_bootstrap_num_blocks(s->boot_tasks, &nb), "parfor_bootstrap_num_blocks");
    share(nb, rank, &lo, &hi);
    parfor_bootstrap_sums *mine = alloc((size_t)(hi - lo) * sizeof *mine);
    parfor_bootstrap_sums *all = rank == 0 ? alloc((size_t)nb * sizeof *all) : NULL;
    check(parfor_bootstrap_blocks(s->boot_tasks, s->boot_draws, seed, lo, hi, mine, (size_t)(hi - lo)),
          "parfor_bootstrap_blocks");
    gather_blocks(mine, nb, sizeof *mine, all);
    if (rank == 0) {
        check(parfor_bootstrap_finish(s->boot_tasks, all, (size_t)nb, &o.extra, &o.result), "parfor_bootstrap_finish");
        o.has_extra = 1;
        o.extra_name = "mean_of_means";
    }
    free(mine);
    free(all);
    return o;
}

static outcome run_grid_max(const sizes *s, uint64_t seed) {
    (void)seed; /* deterministic */
    outcome o = {0};
    uint64_t nb, lo, hi;
    check(parfor_grid_max_num_blocks(s->grid_n, &nb), "parfor_grid_max_num_blocks");
    share(nb, rank, &lo, &hi);
    parfor_grid_max_partial mine, *all = rank == 0 ? alloc((size_t)nranks * sizeof *all) : NULL;
    check(parfor_grid_max_blocks(s->grid_n, lo, hi, &mine), "parfor_grid_max_blocks");
    MPI_Gather(&mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (rank == 0) check(parfor_grid_max_finish(all, (size_t)nranks, &o.result), "parfor_grid_max_finish");
    free(all);
    return o;
}

static outcome run_mandelbrot(const sizes *s, uint64_t seed) {
    (void)seed; /* deterministic */
    outcome o = {0};
    uint64_t nb, lo, hi;
    check(parfor_mandelbrot_num_blocks(s->mb_width, s->mb_height, s->mb_iter, &nb), "parfor_mandelbrot_num_blocks");
    share(nb, rank, &lo, &hi);
    parfor_mandelbrot_partial mine, *all = rank == 0 ? alloc((size_t)nranks * sizeof *all) : NULL;
    check(parfor_mandelbrot_blocks(s->mb_width, s->mb_height, s->mb_iter, lo, hi, &mine), "parfor_mandelbrot_blocks");
    MPI_Gather(&mine, 3, MPI_UINT64_T, all, 3, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        check(parfor_mandelbrot_finish(all, (size_t)nranks, &o.count), "parfor_mandelbrot_finish");
        o.integer = 1;
        o.result = (double)o.count;
    }
    free(all);
    return o;
}

typedef struct {
    const char *name;
    outcome (*run)(const sizes *, uint64_t);
} kernel;

static const kernel KERNELS[] = {
    {"pi", run_pi},
    {"weather", run_weather},
    {"bootstrap", run_bootstrap},
    {"grid_max", run_grid_max},
    {"mandelbrot", run_mandelbrot},
};

static uint64_t bits_of(double x) {
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static void run_kernel(const kernel *k, const char *size_name, const sizes *s, uint64_t seed) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    outcome o = k->run(s, seed);
    double elapsed = MPI_Wtime() - t0; /* rank 0: until every partial is in and combined */
    if (rank != 0) return;
    printf("mpi_suite: kernel=%s size=%s ranks=%d threads=%d ", k->name, size_name, nranks, parfor_get_num_threads());
    if (o.integer)
        printf("result=%" PRIu64 " ", o.count);
    else
        printf("result=%.17g bits=0x%016" PRIx64 " ", o.result, bits_of(o.result));
    if (o.has_extra) printf("%s=%.17g %s_bits=0x%016" PRIx64 " ", o.extra_name, o.extra, o.extra_name, bits_of(o.extra));
    printf("time=%.4fs\n", elapsed);
    fflush(stdout);
}

/* ---- affinity: where each rank's parfor threads run ---------------------------------------- */

enum { MAX_THREADS = 64, LINE = 1024 };

typedef struct {
    cpu_set_t seen[MAX_THREADS];  /* CPUs thread t was found running on */
    cpu_set_t bound[MAX_THREADS]; /* thread t's own affinity mask */
    int used[MAX_THREADS];
} placement;

static void where(int64_t begin, int64_t end, void *ctx) {
    placement *p = ctx;
    int t = parfor_get_thread_num();
    if (t < 0 || t >= MAX_THREADS) return;
    volatile double x = 0;
    for (int64_t i = begin; i < end; i++) {
        for (int k = 0; k < 20000; k++) x += k; /* some work, so the thread is really scheduled */
        int cpu = sched_getcpu();
        if (cpu >= 0 && cpu < CPU_SETSIZE) CPU_SET(cpu, &p->seen[t]);
    }
    /* Only thread t writes slot t; regions run one after another. */
    cpu_set_t mine;
    CPU_ZERO(&mine);
    if (sched_getaffinity(0, sizeof mine, &mine) == 0) CPU_OR(&p->bound[t], &p->bound[t], &mine);
    p->used[t] = 1;
}

static void cpu_list(const cpu_set_t *set, char *out, size_t cap) {
    size_t len = 0;
    out[0] = '\0';
    for (int c = 0; c < CPU_SETSIZE && len + 8 < cap; c++)
        if (CPU_ISSET(c, set)) len += (size_t)snprintf(out + len, cap - len, "%s%d", len ? "," : "", c);
}

static int subset(const cpu_set_t *a, const cpu_set_t *b) {
    cpu_set_t both;
    CPU_AND(&both, a, b);
    return CPU_EQUAL(&both, a);
}

static int run_affinity(void) {
    cpu_set_t mask; /* the rank's CPU set, as the launcher gave it (before parfor starts threads) */
    CPU_ZERO(&mask);
    if (sched_getaffinity(0, sizeof mask, &mask) != 0) {
        perror("sched_getaffinity");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    placement *p = alloc(sizeof *p);
    memset(p, 0, sizeof *p);
    int threads = parfor_get_num_threads();
    parfor_schedule round_robin = {PARFOR_STATIC, 1};
    for (int round = 0; round < 50; round++)
        check(parfor_parallel_for(0, (int64_t)threads * 8, round_robin, where, p), "parfor_parallel_for");

    char line[LINE], cpus[256];
    int ok = 1;
    cpu_list(&mask, cpus, sizeof cpus);
    int len = snprintf(line, sizeof line, "affinity: rank=%d mask={%s} threads=%d", rank, cpus, threads);
    for (int t = 0; t < threads && t < MAX_THREADS; t++) {
        char seen[256], bound[256];
        cpu_list(&p->seen[t], seen, sizeof seen);
        cpu_list(&p->bound[t], bound, sizeof bound);
        int inside = p->used[t] && subset(&p->seen[t], &mask) && subset(&p->bound[t], &mask);
        ok &= inside;
        if (len < LINE)
            len += snprintf(line + len, sizeof line - (size_t)len, " t%d.ran={%s} t%d.bound={%s}%s", t, seen, t, bound,
                            inside ? "" : " OUTSIDE");
    }
    free(p);

    char *lines = rank == 0 ? alloc((size_t)nranks * LINE) : NULL;
    int *oks = rank == 0 ? alloc((size_t)nranks * sizeof *oks) : NULL;
    MPI_Gather(line, LINE, MPI_CHAR, lines, LINE, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Gather(&ok, 1, MPI_INT, oks, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int all_ok = 1;
    if (rank == 0) {
        for (int r = 0; r < nranks; r++) {
            puts(lines + (size_t)r * LINE);
            all_ok &= oks[r];
        }
        puts(all_ok ? "affinity: OK (every thread ran inside its rank's CPU set)"
                    : "affinity: WRONG (a thread ran outside its rank's CPU set)");
    }
    free(lines);
    free(oks);
    MPI_Bcast(&all_ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return all_ok ? 0 : 1;
}

int main(int argc, char **argv) {
    /* MPI_THREAD_FUNNELED is enough: only the main thread calls MPI. parfor's worker threads
     * only run kernel blocks and loop bodies and never call MPI; every MPI call in this program
     * is made between parfor loops, by the thread that called MPI_Init_thread. */
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED) {
        fprintf(stderr, "mpi_suite: MPI provides no MPI_THREAD_FUNNELED\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);

    const char *which = argc > 1 ? argv[1] : "all";
    const char *size_name = argc > 2 ? argv[2] : "full";
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 20240601; /* the CLI's default */
    const sizes *s = strcmp(size_name, "small") == 0 ? &SMALL : strcmp(size_name, "full") == 0 ? &FULL : NULL;

    int status = 0;
    if (strcmp(which, "affinity") == 0) {
        status = run_affinity();
    } else if (!s) {
        if (rank == 0) fprintf(stderr, "mpi_suite: unknown size '%s': expected small or full\n", size_name);
        status = 2;
    } else {
        int found = 0;
        for (size_t k = 0; k < sizeof KERNELS / sizeof KERNELS[0]; k++) {
            if (strcmp(which, "all") == 0 || strcmp(which, KERNELS[k].name) == 0) {
                run_kernel(&KERNELS[k], size_name, s, seed);
                found = 1;
            }
        }
        if (!found) {
            if (rank == 0)
                fprintf(stderr, "mpi_suite: unknown kernel '%s': expected pi, weather, bootstrap, grid_max, "
                                "mandelbrot, all or affinity\n", which);
            status = 2;
        }
    }
    MPI_Finalize();
    return status;
}
