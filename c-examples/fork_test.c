/* fork_test.c: parfor across fork(), as R's mclapply and Python's multiprocessing use it.
 * The parent runs loops, forks children repeatedly (and a grandchild); each child's first loop
 * must work at once on a fresh pool, under an alarm that kills a hung child; the parent must be
 * unaffected.
 *
 *   make fork_test && LD_LIBRARY_PATH=../target/release ./fork_test
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parfor.h"

static double ones(int64_t b, int64_t e, void *ctx) {
    (void)ctx;
    return (double)(e - b);
}

static int loops_work(int64_t n) {
    double out = 0;
    parfor_schedule dyn = {PARFOR_DYNAMIC, 7};
    return parfor_parallel_reduce_f64(0, n, dyn, PARFOR_SUM, ones, NULL, &out) == PARFOR_OK && out == (double)n;
}

/* Forks; the child runs `child` under a 10 s alarm and exits 0 on success. Returns the child's
 * exit status (128 + signal when it was killed). */
static int in_child(int (*child)(void)) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        alarm(10);
        _exit(child() ? 0 : 1);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int grandchild(void) { return loops_work(1000); }

static int child(void) {
    int ok = loops_work(100000) && parfor_get_num_threads() == 3;
    return ok && in_child(grandchild) == 0 && loops_work(5000);
}

int main(void) {
    if (parfor_set_num_threads(3) != PARFOR_OK || !loops_work(100000)) {
        fprintf(stderr, "fork_test: loops fail before any fork\n");
        return 1;
    }
    int failures = 0;
    for (int round = 0; round < 20; round++) {
        int code = in_child(child);
        if (code != 0) {
            fprintf(stderr, "fork_test: child of round %d exited with %d%s\n", round, code,
                    code == 128 + 14 ? " (hung: killed by the alarm)" : "");
            failures++;
        }
        if (!loops_work(100000 + round)) {
            fprintf(stderr, "fork_test: parent loop after round %d failed\n", round);
            failures++;
        }
    }
    printf("fork_test: %s (20 rounds, %d failures)\n", failures ? "WRONG" : "OK", failures);
    return failures ? 1 : 0;
}
