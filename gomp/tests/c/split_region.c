/* The split region entry points gcc before 4.9 emits, called as that gcc did: the master calls
 * GOMP_parallel_start (or a combined _start form), runs the outlined body itself as thread 0,
 * then GOMP_parallel_end. Checked: every thread of the team ran the body once with its own
 * number, distinct OS threads took part, the loop and sections forms hand out every iteration
 * and section exactly once, a barrier inside works, a split region nests inside another, and
 * the master is thread 0 between start and end. Prints "split_region: OK (team of N)". */
#define _GNU_SOURCE
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

void GOMP_parallel_start(void (*fn)(void *), void *data, unsigned num_threads);
void GOMP_parallel_end(void);
void GOMP_parallel_loop_static_start(void (*)(void *), void *, unsigned, long, long, long, long);
void GOMP_parallel_loop_dynamic_start(void (*)(void *), void *, unsigned, long, long, long, long);
void GOMP_parallel_loop_guided_start(void (*)(void *), void *, unsigned, long, long, long, long);
void GOMP_parallel_loop_runtime_start(void (*)(void *), void *, unsigned, long, long, long);
void GOMP_parallel_sections_start(void (*)(void *), void *, unsigned, unsigned);
bool GOMP_loop_static_next(long *, long *);
bool GOMP_loop_dynamic_next(long *, long *);
bool GOMP_loop_guided_next(long *, long *);
bool GOMP_loop_runtime_next(long *, long *);
void GOMP_loop_end(void);
unsigned GOMP_sections_next(void);
void GOMP_sections_end(void);
void GOMP_barrier(void);

#define MAX 64
#define LEN 1000

static void fail(const char *what) {
    fprintf(stderr, "split_region: FAILED: %s\n", what);
    exit(1);
}

struct region {
    int size;
    int visits[MAX];
    long tids[MAX];
    int before_barrier, after_barrier_saw;
};

static void region_body(void *p) {
    struct region *r = p;
    int me = omp_get_thread_num();
    if (me >= MAX) fail("thread number out of range");
    __atomic_fetch_add(&r->visits[me], 1, __ATOMIC_RELAXED);
    r->tids[me] = syscall(SYS_gettid);
    if (me == 0) r->size = omp_get_num_threads();
    __atomic_fetch_add(&r->before_barrier, 1, __ATOMIC_RELAXED);
    GOMP_barrier();
    if (__atomic_load_n(&r->before_barrier, __ATOMIC_RELAXED) != omp_get_num_threads())
        __atomic_fetch_add(&r->after_barrier_saw, 1, __ATOMIC_RELAXED);
}

struct loop {
    bool (*next)(long *, long *);
    int hits[LEN];
};

static void loop_body(void *p) {
    struct loop *l = p;
    long lo, hi;
    while (l->next(&lo, &hi))
        for (long i = lo; i < hi; i++) __atomic_fetch_add(&l->hits[i], 1, __ATOMIC_RELAXED);
    GOMP_loop_end();
}

struct sections {
    int hits[7];
};

static void sections_body(void *p) {
    struct sections *s = p;
    for (unsigned k = GOMP_sections_next(); k != 0; k = GOMP_sections_next()) {
        if (k > 7) fail("section number out of range");
        __atomic_fetch_add(&s->hits[k - 1], 1, __ATOMIC_RELAXED);
    }
    GOMP_sections_end();
}

struct nested {
    int outer_size, inner_levels_ok;
};

static void inner_body(void *p) {
    struct nested *n = p;
    if (omp_get_level() == 2) __atomic_fetch_add(&n->inner_levels_ok, 1, __ATOMIC_RELAXED);
}

static void outer_body(void *p) {
    struct nested *n = p;
    if (omp_get_thread_num() == 0) n->outer_size = omp_get_num_threads();
    GOMP_parallel_start(inner_body, n, 0);
    inner_body(n);
    GOMP_parallel_end();
}

static void check_region(int want) {
    struct region r;
    memset(&r, 0, sizeof r);
    GOMP_parallel_start(region_body, &r, 0);
    if (omp_get_thread_num() != 0 || omp_get_level() != 1) fail("master is not thread 0 at level 1");
    region_body(&r);
    GOMP_parallel_end();
    if (omp_get_level() != 0 || omp_in_parallel()) fail("still in a region after GOMP_parallel_end");
    if (r.size != want) fail("team size");
    for (int i = 0; i < MAX; i++)
        if (r.visits[i] != (i < r.size)) fail("a thread ran the body other than once");
    if (r.after_barrier_saw) fail("a thread passed the barrier before all reached it");
    for (int i = 1; i < r.size; i++)
        if (r.tids[i] == r.tids[0]) fail("a worker ran on the master's OS thread");
}

static void check_loop(const char *name, struct loop *l) {
    for (int i = 0; i < LEN; i++)
        if (l->hits[i] != 1) {
            fprintf(stderr, "split_region: %s: iteration %d ran %d times\n", name, i, l->hits[i]);
            exit(1);
        }
}

int main(void) {
    int want = omp_get_max_threads();
    for (int round = 0; round < 100; round++) check_region(want);

    struct loop l;
    memset(&l, 0, sizeof l);
    l.next = GOMP_loop_static_next;
    GOMP_parallel_loop_static_start(loop_body, &l, 0, 0, LEN, 1, 0);
    loop_body(&l);
    GOMP_parallel_end();
    check_loop("static", &l);

    memset(&l, 0, sizeof l);
    l.next = GOMP_loop_dynamic_next;
    GOMP_parallel_loop_dynamic_start(loop_body, &l, 0, 0, LEN, 1, 3);
    loop_body(&l);
    GOMP_parallel_end();
    check_loop("dynamic", &l);

    memset(&l, 0, sizeof l);
    l.next = GOMP_loop_guided_next;
    GOMP_parallel_loop_guided_start(loop_body, &l, 0, 0, LEN, 1, 2);
    loop_body(&l);
    GOMP_parallel_end();
    check_loop("guided", &l);

    memset(&l, 0, sizeof l);
    l.next = GOMP_loop_runtime_next;
    GOMP_parallel_loop_runtime_start(loop_body, &l, 0, 0, LEN, 1);
    loop_body(&l);
    GOMP_parallel_end();
    check_loop("runtime", &l);

    struct sections s;
    memset(&s, 0, sizeof s);
    GOMP_parallel_sections_start(sections_body, &s, 0, 7);
    sections_body(&s);
    GOMP_parallel_end();
    for (int k = 0; k < 7; k++)
        if (s.hits[k] != 1) fail("a section ran other than once");

    omp_set_max_active_levels(2);
    struct nested n = {0, 0};
    GOMP_parallel_start(outer_body, &n, 2);
    outer_body(&n);
    GOMP_parallel_end();
    if (n.inner_levels_ok != n.outer_size * want) fail("nested split regions");

    printf("split_region: OK (team of %d)\n", want);
    return 0;
}
