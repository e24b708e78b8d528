/* tasks.c: OpenMP-style tasks from C (parfor_task, parfor_taskwait, taskgroups, undeferred
 * tasks, dependences), each result checked.
 *
 *   cc -std=c99 tasks.c -I include -L target/release -lparfor -o tasks && ./tasks
 */
#include "parfor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define TASKS 5000
#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "tasks.c:%d: check failed: %s (%s)\n", __LINE__, #cond,  \
                    parfor_last_error());                                              \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

/* fib(n) with a task per call above the cut-off, waiting for its children with taskwait. */
struct fib {
    int n;
    long result;
};

static long fib_serial(int n) {
    long a = 0, b = 1;
    for (int i = 0; i < n; i++) {
        long t = a + b;
        a = b;
        b = t;
    }
    return a;
}

static void fib_task(void *ctx) {
    struct fib *f = ctx;
    if (f->n < 15) {
        f->result = fib_serial(f->n);
        return;
    }
    struct fib x = {f->n - 1, 0}, y = {f->n - 2, 0};
    CHECK(parfor_task(fib_task, &x, 0) == PARFOR_OK);
    CHECK(parfor_task(fib_task, &y, 0) == PARFOR_OK);
    CHECK(parfor_taskwait() == PARFOR_OK); /* x and y live on this stack until here */
    f->result = x.result + y.result;
}

struct shared {
    int runs[TASKS];
    long fib;
    int undeferred_done;
    int threads_seen[64];
};

static struct shared *S;

static void leaf(void *ctx) {
    int *run = ctx;
    __atomic_fetch_add(run, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&S->threads_seen[parfor_get_thread_num() % 64], 1, __ATOMIC_RELAXED);
}

/* A task that spawns its leaf as a grandchild of the taskgroup's tasks. */
static void parent(void *ctx) { CHECK(parfor_task(leaf, ctx, 0) == PARFOR_OK); }

static void mark_undeferred(void *ctx) { *(int *)ctx = 1; }

/* Appends a digit to the number: three tasks ordered by inout dependences on it. */
struct digits {
    long *number;
    int digit;
};
static void append_digit(void *ctx) {
    struct digits *d = ctx;
    *d->number = *d->number * 10 + d->digit;
}

static void region(void *ctx) {
    struct shared *s = ctx;
    int single = 0;
    CHECK(parfor_single(&single) == PARFOR_OK);
    if (single) {
        /* One thread spawns; the others wait at the barrier below and run the tasks. */
        CHECK(parfor_taskgroup_begin() == PARFOR_OK);
        for (int i = 0; i < TASKS; i++) CHECK(parfor_task(parent, &s->runs[i], 0) == PARFOR_OK);
        CHECK(parfor_taskgroup_end() == PARFOR_OK);
        for (int i = 0; i < TASKS; i++) CHECK(s->runs[i] == 1); /* grandchildren included */

        struct fib f = {27, 0};
        CHECK(parfor_task(fib_task, &f, 0) == PARFOR_OK);
        CHECK(parfor_taskwait() == PARFOR_OK);
        s->fib = f.result;

        long number = 0;
        struct digits d[3] = {{&number, 1}, {&number, 2}, {&number, 3}};
        parfor_depend inout = {PARFOR_DEP_INOUT, (uintptr_t)&number};
        for (int i = 0; i < 3; i++) CHECK(parfor_task_depend(append_digit, &d[i], 0, &inout, 1) == PARFOR_OK);
        CHECK(parfor_taskwait() == PARFOR_OK);
        CHECK(number == 123);

        int done = 0;
        CHECK(parfor_task(mark_undeferred, &done, PARFOR_TASK_UNDEFERRED) == PARFOR_OK);
        s->undeferred_done = done; /* already run: no wait needed */
        CHECK(parfor_taskgroup_end() == PARFOR_ERR_INVALID); /* no group open */
        CHECK(parfor_task(NULL, NULL, 0) == PARFOR_ERR_NULL);
        CHECK(parfor_task(leaf, &s->runs[0], 8) == PARFOR_ERR_INVALID);
    }
    CHECK(parfor_barrier() == PARFOR_OK);
}

int main(void) {
    static struct shared shared;
    S = &shared;
    CHECK(parfor_parallel(0, region, &shared) == PARFOR_OK);
    CHECK(shared.fib == fib_serial(27));
    CHECK(shared.undeferred_done == 1);
    int threads = parfor_get_num_threads(), seen = 0;
    for (int i = 0; i < 64; i++) seen += shared.threads_seen[i];
    CHECK(seen >= 1 && seen <= threads);

    /* Outside a region a task runs at once. */
    int outside = 0;
    CHECK(parfor_task(mark_undeferred, &outside, 0) == PARFOR_OK);
    CHECK(outside == 1);
    printf("tasks: OK (%d threads, %d of them ran leaves, every task checked)\n", threads, seen);
    return 0;
}
