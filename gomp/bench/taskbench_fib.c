/* Recursive fib(n) as OpenMP tasks with a cut-off (below it, plain recursion): the C side of the
 * fib comparison in gomp/bench/taskbench.sh (benches/examples/tasks_fib.rs is the parfor and
 * rayon side). A warm-up run, then `rounds` timed runs; one CSV line a run:
 *   runtime,n,cutoff,threads,round,seconds
 * Usage: taskbench_fib NAME [n] [cutoff] [rounds]   (threads from OMP_NUM_THREADS) */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static long fib_serial(int n) { return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2); }

static long fib(int n, int cutoff) {
    if (n < cutoff) return fib_serial(n);
    long x, y;
#pragma omp task shared(x)
    x = fib(n - 1, cutoff);
    y = fib(n - 2, cutoff);
#pragma omp taskwait
    return x + y;
}

static long run(int n, int cutoff) {
    long result = 0;
#pragma omp parallel
#pragma omp single
    result = fib(n, cutoff);
    return result;
}

int main(int argc, char **argv) {
    const char *name = argc > 1 ? argv[1] : "openmp";
    int n = argc > 2 ? atoi(argv[2]) : 30;
    int cutoff = argc > 3 ? atoi(argv[3]) : 10;
    int rounds = argc > 4 ? atoi(argv[4]) : 5;
    if (n < 0 || n > 60 || rounds < 0) {
        fprintf(stderr, "usage: taskbench_fib NAME [n 0..60] [cutoff] [rounds]\n");
        return 2;
    }
    long expected = fib_serial(n);
    if (run(n, cutoff) != expected) return 1;
    for (int round = 0; round < rounds; round++) {
        double t0 = omp_get_wtime();
        long value = run(n, cutoff);
        double seconds = omp_get_wtime() - t0;
        if (value != expected) {
            fprintf(stderr, "fib(%d) = %ld, expected %ld\n", n, value, expected);
            return 1;
        }
        printf("%s,%d,%d,%d,%d,%.6f\n", name, n, cutoff, omp_get_max_threads(), round, seconds);
    }
    return 0;
}
