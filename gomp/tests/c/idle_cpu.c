/* A burst of regions, then 0.5 s of idleness: prints the process's CPU time during the idle
 * half second ("idle_cpu_ms=X"), which counts every thread's spinning. */
#include <omp.h>
#include <stdio.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    double sum = 0;
    for (int r = 0; r < 2000; r++) {
#pragma omp parallel for reduction(+ : sum)
        for (int i = 0; i < 1000; i++) sum += i * 0.5;
    }
    double before = cpu_seconds();
    struct timespec half = {0, 500000000};
    nanosleep(&half, NULL);
    double idle_ms = (cpu_seconds() - before) * 1e3;
    printf("sum=%.1f threads=%d idle_cpu_ms=%.2f\n", sum, omp_get_max_threads(), idle_ms);
    return sum == 2000 * 249750.0 ? 0 : 1;
}
