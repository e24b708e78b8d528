/* lastprivate and linear in dynamic and guided loops of every form gcc emits calls for: the
 * nonmonotonic default, nonmonotonic: and monotonic: modifiers, schedule(runtime) (the test sets
 * OMP_SCHEDULE), lastprivate(conditional:) (GOMP_loop_start), unsigned long long and negative
 * steps, nowait loops in flight at once. gcc copies a private value out on the thread whose last
 * chunk ended at the loop's end, so every runtime must give the chunk that holds the last
 * iteration to its thread last. Each loop runs many times, as the order of chunks varies from
 * run to run. Prints "lastprivate: OK" on success. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N 61
#define ROUNDS 300
#define CHECK(c)                                                                 \
    do {                                                                         \
        if (!(c)) {                                                              \
            printf("FAILED line %d (round %d): %s\n", __LINE__, round, #c);      \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

static int seen[N];

/* A little uneven work, so that threads run dry at different times and steal. */
static void work(long i) {
    volatile long x = 0;
    for (long k = 0; k < (i % 7) * 50; k++) x += k;
    __atomic_fetch_add(&seen[i], 1, __ATOMIC_RELAXED);
}

static void check_seen(int round) {
    for (int i = 0; i < N; i++) {
        CHECK(seen[i] == 1);
        seen[i] = 0;
    }
}

/* The combined parallel for (GOMP_parallel_loop_*) with linear and lastprivate. */
static void combined(int round) {
    long last = -1;
    int lin = 5;
#pragma omp parallel for schedule(dynamic, 3) linear(lin : 2) lastprivate(last)
    for (long i = 0; i < N; i++) {
        work(i);
        last = i;
        lin += 2;
    }
    CHECK(last == N - 1 && lin == 5 + 2 * N);
    check_seen(round);

#pragma omp parallel for schedule(guided) lastprivate(last)
    for (long i = 0; i < N; i++) {
        work(i);
        last = i * 10;
    }
    CHECK(last == (N - 1) * 10);
    check_seen(round);

#pragma omp parallel for schedule(monotonic : dynamic) lastprivate(last)
    for (long i = 0; i < N; i++) {
        work(i);
        last = i;
    }
    CHECK(last == N - 1);
    check_seen(round);
}

/* Loops inside one region: several in flight at once (nowait), each with its own copy-out. */
static void in_a_region(int round) {
    long a = -1, b = -1, c = -1, d = -1, e = -1, f = -1;
    unsigned long long u = 0;
#pragma omp parallel
    {
#pragma omp for schedule(dynamic) lastprivate(a) nowait
        for (long i = 0; i < N; i++) {
            work(i);
            a = i;
        }
#pragma omp for schedule(nonmonotonic : guided, 2) lastprivate(b) nowait
        for (long i = N - 1; i >= 0; i--) {
            work(i);
            b = i;
        }
#pragma omp for schedule(nonmonotonic : dynamic, 4) lastprivate(u) nowait
        for (unsigned long long i = 0; i < 3 * N; i += 3) {
            work((long)(i / 3));
            u = i;
        }
#pragma omp for schedule(runtime) lastprivate(c)
        for (long i = 0; i < N; i++) {
            work(i);
            c = i;
        }
#pragma omp for schedule(dynamic, 2) lastprivate(conditional : d)
        for (long i = 0; i < N; i++) {
            work(i);
            if (i % 5 == 0) d = i;
        }
#pragma omp for schedule(guided, 3) lastprivate(e) linear(f : 3)
        for (long i = 0; i < N; i++) {
            work(i);
            e = -i;
            f += 3;
        }
    }
    CHECK(a == N - 1);
    CHECK(b == 0);
    CHECK(u == 3 * (N - 1));
    CHECK(c == N - 1);
    CHECK(d == (N - 1) / 5 * 5);
    CHECK(e == -(N - 1) && f == -1 + 3 * N);
    for (int i = 0; i < N; i++) {
        CHECK(seen[i] == 6);
        seen[i] = 0;
    }
}

int main(void) {
    for (int round = 0; round < ROUNDS; round++) {
        combined(round);
        in_a_region(round);
    }
    printf("lastprivate: OK (team of %d)\n", omp_get_max_threads());
    return 0;
}
