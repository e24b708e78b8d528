/* Locks and critical sections under contention, from plain pthreads (no OpenMP region): every
 * kind protects a non-atomic counter; test_lock and the nesting counts behave as specified.
 * Prints "locks: OK" and exits 0 on success. */
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define ROUNDS 20000

static omp_lock_t lock;
static omp_nest_lock_t nest;
static long by_lock, by_nest, by_critical, by_named, by_atomic_lock;

void GOMP_atomic_start(void);
void GOMP_atomic_end(void);

static void *hammer(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        omp_set_lock(&lock);
        by_lock++;
        omp_unset_lock(&lock);
        omp_set_nest_lock(&nest);
        omp_set_nest_lock(&nest);
        by_nest++;
        omp_unset_nest_lock(&nest);
        omp_unset_nest_lock(&nest);
#pragma omp critical
        by_critical++;
#pragma omp critical(named)
        by_named++;
        GOMP_atomic_start();
        by_atomic_lock++;
        GOMP_atomic_end();
    }
    return NULL;
}

static void *try_from_other_thread(void *arg) {
    long *result = arg;
    result[0] = omp_test_lock(&lock);
    result[1] = omp_test_nest_lock(&nest);
    return NULL;
}

#define CHECK(c) do { if (!(c)) { printf("FAILED: %s (line %d)\n", #c, __LINE__); return 1; } } while (0)

int main(void) {
    omp_init_lock(&lock);
#ifdef WITH_HINT /* gcc 12's libgomp lacks the _with_hint functions: parfor only */
    omp_init_lock_with_hint(&lock, omp_sync_hint_contended);
    omp_init_nest_lock_with_hint(&nest, omp_sync_hint_uncontended);
#else
    omp_init_nest_lock(&nest);
#endif
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, hammer, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    long want = (long)THREADS * ROUNDS;
    CHECK(by_lock == want && by_nest == want && by_critical == want);
    CHECK(by_named == want && by_atomic_lock == want);

    CHECK(omp_test_lock(&lock) == 1);
    CHECK(omp_test_nest_lock(&nest) == 1);
    CHECK(omp_test_nest_lock(&nest) == 2);
    long other[2];
    pthread_t o;
    pthread_create(&o, NULL, try_from_other_thread, other);
    pthread_join(o, NULL);
    CHECK(other[0] == 0 && other[1] == 0);
    omp_unset_lock(&lock);
    omp_unset_nest_lock(&nest);
    omp_unset_nest_lock(&nest);
    pthread_create(&o, NULL, try_from_other_thread, other);
    pthread_join(o, NULL);
    CHECK(other[0] == 1 && other[1] == 1);
    omp_destroy_lock(&lock);
    omp_destroy_nest_lock(&nest);
    CHECK(sizeof(omp_lock_t) == 4 && sizeof(omp_nest_lock_t) == 16);
    CHECK(omp_get_wtick() > 0 && omp_get_wtick() < 1e-3);
    double t0 = omp_get_wtime();
    CHECK(omp_get_wtime() >= t0);
    puts("locks: OK");
    return 0;
}
