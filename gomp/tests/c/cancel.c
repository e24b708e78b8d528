/* Cancellation, checked against omp_get_cancellation(): with OMP_CANCELLATION=true each construct
 * is cancelled as OpenMP says, without it every cancel is a no-op and everything runs in full.
 *  - cancel parallel from one thread while the others wait at a barrier: no hang, nobody passes;
 *  - cancel for in a dynamic loop: the team stops taking iterations, the next loop runs in full;
 *  - a cancelled loop as a region's last construct: the next region starts clean;
 *  - cancel parallel in a nested region: only that team leaves, the outer team goes on;
 *  - cancel taskgroup: tasks of the group not yet started are discarded.
 * Prints "cancel: OK (cancellation on|off, team of N)" on success. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define N 100000
#define CHECK(c) do { if (!(c)) { printf("FAILED line %d: %s\n", __LINE__, #c); exit(1); } } while (0)

static int on;

static void parallel_cancelled_at_a_barrier(void) {
    int passed = 0, size = 0;
#pragma omp parallel num_threads(4)
    {
#pragma omp single nowait
        size = omp_get_num_threads();
        if (omp_get_thread_num() == 0) {
            usleep(100000); /* the others are asleep at the barrier by now */
#pragma omp cancel parallel
        }
#pragma omp barrier
#pragma omp atomic
        passed++;
    }
    CHECK(passed == (on ? 0 : size));
    /* The next region starts clean: its barriers and loops work. */
    int sum = 0;
#pragma omp parallel num_threads(4) reduction(+ : sum)
    {
#pragma omp barrier
#pragma omp for schedule(dynamic, 5)
        for (int i = 0; i < 1000; i++) sum += i;
#pragma omp barrier
    }
    CHECK(sum == 499500);
}

/* With cancellation on, every iteration after the one that cancels waits in a cancellation point
 * until the cancel arrives, so what ran does not depend on timing: iterations before the cancelling
 * one all complete (nothing they wait for), none after it. `late` counts iterations that started
 * after the cancelling iteration had begun: a thread may be handed one chunk while the cancel is on
 * its way, never more once it has left through a cancellation point. */
/* Inside a cancellable loop's body: counts this iteration in `late` if the cancel was announced
 * before it began, then waits in a cancellation point, which leaves the body once the cancel has
 * arrived. */
#define WAIT_FOR_CANCEL(announced, late)                                                          \
    do {                                                                                           \
        if (__atomic_load_n(&(announced), __ATOMIC_SEQ_CST)) {                                     \
            _Pragma("omp atomic") (late)++;                                                        \
        }                                                                                          \
        for (;;) {                                                                                 \
            _Pragma("omp cancellation point for")                                                  \
        }                                                                                          \
    } while (0)

static void for_cancelled(void) {
    int ran = 0, full = 0, late = 0, announced = 0;
#pragma omp parallel num_threads(4)
    {
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < N; i++) {
            if (i == 10) {
                __atomic_store_n(&announced, 1, __ATOMIC_SEQ_CST);
#pragma omp cancel for
            }
            if (on && i > 10)
                WAIT_FOR_CANCEL(announced, late);
#pragma omp atomic
            ran++;
        }
        /* The loop's barrier ended the cancellation: this loop runs in full. */
#pragma omp for schedule(dynamic, 7)
        for (int i = 0; i < N; i++) {
#pragma omp cancellation point for
#pragma omp atomic
            full++;
        }
    }
    if (on)
        CHECK(ran == 10 && late <= 3);
    else
        CHECK(ran == N);
    CHECK(full == N);
    /* A cancelled loop as the last construct of a region (no barrier after it): parfor deals no
     * further chunk once a loop is cancelled (libgomp keeps dealing them, so this check is
     * parfor's, not OpenMP's) ... */
    ran = 0;
    late = 0;
    announced = 0;
#pragma omp parallel num_threads(4)
#pragma omp for schedule(dynamic, 1)
    for (int i = 0; i < N; i++) {
        if (i == 0) {
            __atomic_store_n(&announced, 1, __ATOMIC_SEQ_CST);
#pragma omp cancel for
        }
        if (on)
            WAIT_FOR_CANCEL(announced, late);
#pragma omp atomic
        ran++;
    }
    CHECK(on ? ran == 0 && late <= 3 : ran == N);
    /* ... does not cancel the first loop of the next region. */
    full = 0;
#pragma omp parallel num_threads(4)
#pragma omp for schedule(dynamic, 1)
    for (int i = 0; i < N; i++) {
#pragma omp cancellation point for
#pragma omp atomic
        full++;
    }
    CHECK(full == N);
}

static void nested_cancel_stays_in_its_team(void) {
    int inner_passed[2] = {0, 0}, inner_size[2] = {0, 0}, outer_passed = 0, outer_size = 0;
    omp_set_max_active_levels(2);
#pragma omp parallel num_threads(2)
    {
        int outer = omp_get_thread_num();
        outer_size = omp_get_num_threads();
#pragma omp parallel num_threads(2)
        {
            inner_size[outer] = omp_get_num_threads();
            if (outer == 0 && omp_get_thread_num() == 0) {
                usleep(50000);
#pragma omp cancel parallel
            }
#pragma omp barrier
#pragma omp atomic
            inner_passed[outer]++;
        }
#pragma omp barrier
#pragma omp cancellation point parallel
#pragma omp atomic
        outer_passed++;
    }
    omp_set_max_active_levels(1);
    CHECK(inner_passed[0] == (on ? 0 : inner_size[0]));
    if (outer_size == 2)
        CHECK(inner_passed[1] == inner_size[1]);
    CHECK(outer_passed == outer_size);
}

static void taskgroup_cancelled(void) {
    int ran = 0, announced = 0;
#pragma omp parallel num_threads(2)
#pragma omp single
#pragma omp taskgroup
    for (int i = 0; i < 1000; i++) {
#pragma omp task firstprivate(i)
        {
            if (i == 0) {
                __atomic_store_n(&announced, 1, __ATOMIC_SEQ_CST);
#pragma omp cancel taskgroup
            }
#pragma omp atomic
            ran++;
        }
        /* Go on once the first task is cancelling (its cancel follows the store at once). */
        while (i == 0 && !__atomic_load_n(&announced, __ATOMIC_SEQ_CST)) {
#pragma omp taskyield
        }
        if (i == 0) usleep(10000);
    }
    CHECK(on ? ran < 1000 : ran == 1000);
}

int main(void) {
    on = omp_get_cancellation();
    parallel_cancelled_at_a_barrier();
    for_cancelled();
    nested_cancel_stays_in_its_team();
    taskgroup_cancelled();
    printf("cancel: OK (cancellation %s, team of %d)\n", on ? "on" : "off", omp_get_max_threads());
    return 0;
}
