/* The floor under an oversubscribed barrier (issue 14, item 6): the cost of one switch between
 * threads of a process on one CPU. THREADS threads pinned to CPU 0 each call sched_yield() REPS
 * times; the wall time divided by THREADS * REPS is the time per switch. A barrier of 8 threads on
 * 2 CPUs must run every thread once per barrier: at least 3 switches per CPU per barrier.
 *   gcc -O2 -pthread benches/probes/context_switch.c -o /tmp/context_switch && /tmp/context_switch */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>

enum { THREADS = 4, REPS = 200000 };

static void *yield_on_cpu0(void *unused) {
    (void)unused;
    cpu_set_t cpu0;
    CPU_ZERO(&cpu0);
    CPU_SET(0, &cpu0);
    pthread_setaffinity_np(pthread_self(), sizeof cpu0, &cpu0);
    for (int i = 0; i < REPS; i++) sched_yield();
    return NULL;
}

int main(void) {
    pthread_t threads[THREADS];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, yield_on_cpu0, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
    printf("%d threads on CPU 0: %.3f us per switch\n", THREADS, ns / ((double)THREADS * REPS) / 1e3);
    return 0;
}
