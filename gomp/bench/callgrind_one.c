/* One construct, n times, for instruction counts under callgrind (repeatable on a shared machine,
 * where timings are not): the difference between runs of n and 2n is the cost of n constructs.
 *   callgrind_one lock|critical <n>              n omp_set_lock/unset pairs or critical sections
 *                                                 a thread
 *   callgrind_one static|dynamic|guided <n> <c>  n schedule(runtime) loops of 128 iterations a
 *                                                 thread, the run-time schedule set to kind,c
 *   callgrind_one doacross <n>                   a doacross loop of 2 x n iterations (rows
 *                                                 static,1), each with one wait (for its own
 *                                                 previous iteration: no waiting) and one post
 * Used by gomp/bench/callgrind.sh. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static omp_lock_t lock;
static volatile long sink;
int main(int argc, char **argv) {
    const char *c = argv[1];
    long n = atol(argv[2]);
    omp_init_lock(&lock);
    if (!strcmp(c, "lock")) {
#pragma omp parallel
        for (long j = 0; j < n; j++) { omp_set_lock(&lock); sink++; omp_unset_lock(&lock); }
    } else if (!strcmp(c, "critical")) {
#pragma omp parallel
        for (long j = 0; j < n; j++) {
#pragma omp critical
            sink++;
        }
    } else if (!strcmp(c, "doacross")) {
#pragma omp parallel for ordered(2) schedule(static, 1)
        for (long i = 0; i < 2; i++)
            for (long j = 0; j < n; j++) {
#pragma omp ordered depend(sink: i, j - 1)
                sink++;
#pragma omp ordered depend(source)
            }
    } else {
        /* schedule name: static/guided/dynamic, chunk from argv[3] */
        int kind = !strcmp(c, "static") ? 1 : !strcmp(c, "dynamic") ? 2 : 3;
        omp_set_schedule((omp_sched_t)kind, atoi(argv[3]));
        int t = omp_get_max_threads();
#pragma omp parallel
        for (long j = 0; j < n; j++) {
#pragma omp for schedule(runtime)
            for (int i = 0; i < 128 * t; i++) sink++;
        }
    }
    return 0;
}
