/* OpenMP tasks as gcc emits them, checked on the team the environment asks for
 * (OMP_NUM_THREADS): deferred tasks run by other threads, firstprivate copies (memcpy and a
 * cpyfn for a variable-length array), every task exactly once, dependences (in, out, inout,
 * mutexinoutset, depobj) under random durations, taskwait, taskgroup over descendants, if(0) and
 * final tasks, taskloop with grainsize, num_tasks and nogroup, taskwait depend. Prints
 * "tasks: OK (team of N)" on success. */
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { printf("FAILED line %d: %s\n", __LINE__, #c); exit(1); } } while (0)

static unsigned seed_of(int i) { return 2654435761u * (unsigned)(i + 1); }

/* Sleeps up to `max_us` microseconds, a pseudo-random time for `i`. */
static void random_pause(int i, int max_us) { usleep(seed_of(i) % (unsigned)max_us); }

/* Spins until `*flag` is set; false after 20 s. */
static int wait_for(volatile int *flag) {
    double until = omp_get_wtime() + 20;
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
        if (omp_get_wtime() > until) return 0;
    return 1;
}

/* With two threads or more: two sibling tasks that each wait for the other to have started
 * complete only if both run at the same time on two OS threads (the tasks are deferred). */
static void deferred_tasks_run_on_other_threads(void) {
    volatile int a_started = 0, b_started = 0;
    int ok_a = 0, ok_b = 0;
    pthread_t thread_a = 0, thread_b = 0;
#pragma omp parallel
#pragma omp single
    if (omp_get_num_threads() >= 2) {
#pragma omp task shared(a_started, b_started, ok_a, thread_a)
        {
            thread_a = pthread_self();
            __atomic_store_n(&a_started, 1, __ATOMIC_RELEASE);
            ok_a = wait_for(&b_started);
        }
#pragma omp task shared(a_started, b_started, ok_b, thread_b)
        {
            thread_b = pthread_self();
            __atomic_store_n(&b_started, 1, __ATOMIC_RELEASE);
            ok_b = wait_for(&a_started);
        }
    }
    if (omp_get_max_threads() >= 2) {
        CHECK(ok_a && ok_b);
        CHECK(!pthread_equal(thread_a, thread_b));
    }
}

static void firstprivate_copies_and_exactly_once(void) {
    enum { TASKS = 5000 };
    static int runs[TASKS];
    long sum = 0;
    int n = 3;
#pragma omp parallel
#pragma omp single
    {
        int vla[n]; /* firstprivate VLA: gcc copies it with a cpyfn */
        for (int k = 0; k < n; k++) vla[k] = k + 1;
        for (int i = 0; i < TASKS; i++) {
#pragma omp task firstprivate(i, vla) shared(sum)
            {
                __atomic_fetch_add(&runs[i], 1, __ATOMIC_RELAXED);
                __atomic_fetch_add(&sum, (long)i * (vla[0] + vla[1] + vla[2]), __ATOMIC_RELAXED);
            }
            vla[0] = vla[0]; /* the copy is made when the task is created */
        }
        for (int k = 0; k < n; k++) vla[k] = -100;
    }
    for (int i = 0; i < TASKS; i++) CHECK(runs[i] == 1);
    CHECK(sum == 6L * TASKS * (TASKS - 1) / 2);
}

static void dependences_under_random_durations(void) {
    enum { ROUNDS = 40 };
    int x = 0, y = 0, next = 0, bad = 0;
    omp_depend_t obj;
#pragma omp parallel
#pragma omp single
    {
#pragma omp depobj(obj) depend(inout: y)
        for (int r = 0; r < ROUNDS; r++) {
#pragma omp task depend(out: x) shared(x, next) firstprivate(r)
            { random_pause(r, 300); x = r; next++; }
            for (int k = 0; k < 2; k++) {
#pragma omp task depend(in: x) shared(x, bad) firstprivate(r, k)
                { random_pause(r + k, 300); if (x != r) __atomic_store_n(&bad, 1, __ATOMIC_RELAXED); }
            }
#pragma omp task depend(mutexinoutset: y) shared(y) firstprivate(r)
            { int seen = y; random_pause(r, 200); y = seen + 1; }
#pragma omp task depend(depobj: obj) shared(y)
            { y += 1000; }
        }
#pragma omp taskwait depend(in: y)
        CHECK(y == 1001 * ROUNDS);
#pragma omp depobj(obj) destroy
    }
    CHECK(!bad);
    CHECK(next == ROUNDS);
}

static long tree(int depth) {
    if (depth == 0) return 1;
    long a = 0, b = 0;
#pragma omp task shared(a)
    a = tree(depth - 1);
#pragma omp task shared(b)
    b = tree(depth - 1);
#pragma omp taskwait
    return a + b;
}

static void taskwait_taskgroup_if0_final(void) {
    long leaves = 0;
    int grandchildren = 0, in_final = 0, undeferred_done = 0;
#pragma omp parallel
#pragma omp single
    {
        leaves = tree(10);
#pragma omp taskgroup
        for (int i = 0; i < 50; i++) {
#pragma omp task shared(grandchildren)
            {
#pragma omp task shared(grandchildren)
                { random_pause(i, 200); __atomic_fetch_add(&grandchildren, 1, __ATOMIC_RELAXED); }
            }
        }
        CHECK(grandchildren == 50);
        int flag = 0;
#pragma omp task if (0) shared(flag)
        { random_pause(1, 2000); flag = 1; }
        undeferred_done = flag;
#pragma omp task final(1) shared(in_final)
        {
#pragma omp task shared(in_final)
            in_final = omp_in_final();
        }
#pragma omp taskwait
    }
    CHECK(leaves == 1024);
    CHECK(undeferred_done);
    CHECK(in_final);
}

static void taskloops(void) {
    long a = 0, b = 0, c = 0;
    unsigned long long d = 0;
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskloop grainsize(7) shared(a)
        for (long i = 0; i < 1000; i++) __atomic_fetch_add(&a, i, __ATOMIC_RELAXED);
#pragma omp taskloop num_tasks(5) shared(b)
        for (long i = 999; i >= 0; i -= 3) __atomic_fetch_add(&b, i, __ATOMIC_RELAXED);
#pragma omp taskloop nogroup shared(c)
        for (int i = 0; i < 100; i++) { random_pause(i, 100); __atomic_fetch_add(&c, 1, __ATOMIC_RELAXED); }
#pragma omp taskwait
        CHECK(c == 100);
#pragma omp taskloop grainsize(strict: 8) shared(d)
        for (unsigned long long i = 10; i < 1010; i++) __atomic_fetch_add(&d, i, __ATOMIC_RELAXED);
    }
    long want_b = 0;
    for (long i = 999; i >= 0; i -= 3) want_b += i;
    CHECK(a == 499500);
    CHECK(b == want_b);
    CHECK(d == 1000ULL * 10 + 499500ULL);
}

int main(void) {
    deferred_tasks_run_on_other_threads();
    firstprivate_copies_and_exactly_once();
    dependences_under_random_durations();
    taskwait_taskgroup_if0_final();
    taskloops();
    printf("tasks: OK (team of %d)\n", omp_get_max_threads());
    return 0;
}
