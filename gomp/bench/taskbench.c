/* EPCC taskbench-style OpenMP task overhead microbenchmark (after the method of the EPCC
 * OpenMP microbenchmarks' taskbench: every thread should do `reps` units of work, a short fixed
 * delay each, spread over tasks as the test says; the overhead per task is the test's time minus
 * the time of `reps` delays run one after another, divided by `reps`). Written for parfor; the
 * same source runs on libgomp and on parfor's drop-in (built with gcc) and on LLVM's libomp
 * (built with clang), see gomp/bench/taskbench.sh. Prints one line per test:
 *   test  overhead_us   (median of OUTER repetitions, microseconds per task)
 * Usage: taskbench [reps] [outer]   (threads from OMP_NUM_THREADS) */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static int tree_depth = 6;

/* Every thread creates `reps` tasks. */
static void parallel_task(void) {
#pragma omp parallel
    for (int j = 0; j < reps; j++) {
#pragma omp task
        delay(delay_length);
    }
}

/* One thread creates `reps` tasks for every thread of the team. */
static void master_task(void) {
#pragma omp parallel
#pragma omp master
    {
        int n = reps * omp_get_num_threads();
        for (int j = 0; j < n; j++) {
#pragma omp task
            delay(delay_length);
        }
    }
}

/* `if(0)` tasks: run at once by the thread that creates them. */
static void conditional_task(void) {
#pragma omp parallel
    for (int j = 0; j < reps; j++) {
#pragma omp task if (0)
        delay(delay_length);
    }
}

/* Every thread creates a task and waits for it, `reps` times. */
static void task_wait(void) {
#pragma omp parallel
    for (int j = 0; j < reps; j++) {
#pragma omp task
        delay(delay_length);
#pragma omp taskwait
    }
}

/* Every thread creates a task, then the team meets at a barrier, `reps` times. */
static void task_barrier(void) {
#pragma omp parallel
    for (int j = 0; j < reps; j++) {
#pragma omp task
        delay(delay_length);
#pragma omp barrier
    }
}

/* Every thread creates `reps / nthreads` tasks, each creating `nthreads` tasks. */
static void nested_task(void) {
#pragma omp parallel
    {
        int n = omp_get_num_threads();
        for (int j = 0; j < reps / n; j++) {
#pragma omp task
            {
                for (int i = 0; i < n; i++) {
#pragma omp task
                    delay(delay_length);
                }
#pragma omp taskwait
            }
        }
    }
}

/* One thread creates `reps` tasks, each creating `nthreads` tasks. */
static void nested_master_task(void) {
#pragma omp parallel
#pragma omp master
    {
        int n = omp_get_num_threads();
        for (int j = 0; j < reps; j++) {
#pragma omp task
            {
                for (int i = 0; i < n; i++) {
#pragma omp task
                    delay(delay_length);
                }
#pragma omp taskwait
            }
        }
    }
}

/* A binary tree of tasks of `depth` levels below this one; with `branch`, every node does a
 * delay, else only the leaves. */
static void tree(int depth, int branch) {
    if (branch || depth == 0) delay(delay_length);
    if (depth == 0) return;
#pragma omp task
    tree(depth - 1, branch);
#pragma omp task
    tree(depth - 1, branch);
#pragma omp taskwait
}

static int tree_nodes(int branch) { return branch ? (2 << tree_depth) - 1 : 1 << tree_depth; }

/* Every thread grows trees until it has `reps` delays' worth (rounded down to whole trees). */
static void trees(int branch) {
#pragma omp parallel
    for (int j = 0; j < reps / tree_nodes(branch); j++) {
#pragma omp task
        tree(tree_depth, branch);
    }
}

static void branch_tree(void) { trees(1); }
static void leaf_tree(void) { trees(0); }

int main(int argc, char **argv) {
    if (argc > 1) reps = atoi(argv[1]);
    if (argc > 2) outer = atoi(argv[2]);
    if (reps < 1 || outer < 1 || outer > 64) {
        fprintf(stderr, "usage: taskbench [reps >= 1] [outer 1..64]\n");
        return 2;
    }
    struct {
        const char *name;
        void (*body)(void);
        int work; /* delays per thread */
    } tests[] = {
        {"parallel_task", parallel_task, reps},
        {"master_task", master_task, reps},
        {"conditional_task", conditional_task, reps},
        {"task_wait", task_wait, reps},
        {"task_barrier", task_barrier, reps},
        {"nested_task", nested_task, 0},
        {"nested_master_task", nested_master_task, reps},
        {"branch_tree", branch_tree, reps / tree_nodes(1) * tree_nodes(1)},
        {"leaf_tree", leaf_tree, reps / tree_nodes(0) * tree_nodes(0)},
    };
    int threads = omp_get_max_threads();
    tests[5].work = reps / threads * threads;
    measure_total(reference); /* warm up the CPU */
    double per_delay = measure_total(reference) / reps;
    printf("threads %d\n", threads);
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        double t = measure_total(tests[i].body);
        printf("%s %.4f\n", tests[i].name, (t - tests[i].work * per_delay) / tests[i].work);
    }
    return 0;
}
