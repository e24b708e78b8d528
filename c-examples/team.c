/* team.c: a parallel region from C with every team construct of parfor.h, each result checked.
 *
 *   cc -std=c99 team.c -I include -L target/release -lparfor -o team && ./team
 */
#include "parfor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 1000
#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "team.c:%d: check failed: %s (%s)\n", __LINE__, #cond,   \
                    parfor_last_error());                                              \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

struct shared {
    int arrived[64];
    int hits[N];
    int order[N];
    int next_order;
    long counter;       /* not atomic: only the critical section protects it */
    int singles;
    int sections[3];
    double sums[64];
    int threads;
};

static void mark(int64_t b, int64_t e, void *ctx) {
    struct shared *s = ctx;
    for (int64_t i = b; i < e; i++) __atomic_fetch_add(&s->hits[i], 1, __ATOMIC_RELAXED);
}

static void in_order(int64_t b, int64_t e, void *ctx) {
    struct shared *s = ctx;
    for (int64_t i = b; i < e; i++) {
        CHECK(parfor_ordered_begin() == PARFOR_OK);
        s->order[s->next_order++] = (int)i;
        CHECK(parfor_ordered_end() == PARFOR_OK);
    }
}

static double part(int64_t b, int64_t e, void *ctx) {
    (void)ctx;
    double x = 0;
    for (int64_t i = b; i < e; i++) x += (double)i;
    return x;
}

static void bump(void *ctx) { ((struct shared *)ctx)->counter++; }
static void once(void *ctx) { ((struct shared *)ctx)->singles++; }
static void *make_value(void *ctx) { (void)ctx; static int value = 42; return &value; }
static void section(int32_t i, void *ctx) {
    __atomic_fetch_add(&((struct shared *)ctx)->sections[i], 1, __ATOMIC_RELAXED);
}

static void region(void *ctx) {
    struct shared *s = ctx;
    int me = parfor_get_thread_num(), n = parfor_get_team_num_threads();
    CHECK(parfor_get_level() == 1);
    CHECK(parfor_get_team_size(1) == n && parfor_get_ancestor_thread_num(1) == me);
    /* barrier: nobody passes before everybody arrived */
    __atomic_fetch_add(&s->arrived[0], 1, __ATOMIC_RELAXED);
    CHECK(parfor_barrier() == PARFOR_OK);
    CHECK(__atomic_load_n(&s->arrived[0], __ATOMIC_RELAXED) == n);
    /* single, once per encounter */
    for (int k = 0; k < 10; k++) {
        int selected = 0;
        CHECK(parfor_single(&selected) == PARFOR_OK);
        if (selected) once(s);
    }
    CHECK(parfor_barrier() == PARFOR_OK);
    /* copyprivate */
    void *value = NULL;
    CHECK(parfor_single_copy(make_value, NULL, &value) == PARFOR_OK);
    CHECK(*(int *)value == 42);
    /* critical sections on a plain counter */
    for (int k = 0; k < 1000; k++) CHECK(parfor_critical(NULL, bump, s) == PARFOR_OK);
    /* worksharing loops: two nowait, then ordered */
    parfor_schedule dyn1 = {PARFOR_DYNAMIC, 1}, stat = {PARFOR_STATIC, 0};
    CHECK(parfor_for(0, N / 2, dyn1, PARFOR_NOWAIT, mark, s) == PARFOR_OK);
    CHECK(parfor_for(N / 2, N, stat, PARFOR_NOWAIT, mark, s) == PARFOR_OK);
    CHECK(parfor_for(0, N, dyn1, PARFOR_ORDERED, in_order, s) == PARFOR_OK);
    /* reduction: every thread gets the total */
    double total = -1;
    CHECK(parfor_for_reduce_f64(0, N, stat, PARFOR_SUM, part, NULL, &total) == PARFOR_OK);
    s->sums[me] = total;
    CHECK(parfor_sections(3, section, s) == PARFOR_OK);
    if (me == 0) s->threads = n;
}

int main(void) {
    struct shared *s = calloc(1, sizeof *s);
    CHECK(s != NULL);
    CHECK(parfor_parallel(0, region, s) == PARFOR_OK); /* 0: the default team size */
    int n = s->threads;
    CHECK(n == parfor_get_num_threads());
    CHECK(s->singles == 10);
    CHECK(s->counter == 1000L * n);
    for (int i = 0; i < N; i++) CHECK(s->hits[i] == 1);
    for (int i = 0; i < N; i++) CHECK(s->order[i] == i);
    for (int t = 0; t < n; t++) CHECK(s->sums[t] == (double)N * (N - 1) / 2);
    for (int i = 0; i < 3; i++) CHECK(s->sections[i] == 1);
    /* bad arguments are statuses */
    CHECK(parfor_parallel(-1, region, s) == PARFOR_ERR_INVALID);
    CHECK(parfor_parallel(2, NULL, s) == PARFOR_ERR_NULL);
    CHECK(parfor_single(NULL) == PARFOR_ERR_NULL);
    CHECK(parfor_for(0, 10, (parfor_schedule){PARFOR_DYNAMIC, 1}, 64, mark, s) == PARFOR_ERR_INVALID);
    /* outside a region constructs act as on a team of one */
    CHECK(parfor_barrier() == PARFOR_OK);
    CHECK(parfor_get_level() == 0 && parfor_get_team_size(0) == 1 && parfor_get_team_size(1) == -1);
    printf("team: OK (%d threads, every construct checked)\n", n);
    free(s);
    return 0;
}
