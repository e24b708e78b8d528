/* Runs a region, forks, and runs a region in the child (gcc bug 60035: the child of a
 * libgomp program hangs there). Prints "fork_region: OK" when parent and child both finished
 * their regions with a full team. A child that hangs is killed with its parent (the test kills a
 * hung parent after its timeout), so that no hung process outlives the test. */
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int team_members(void) {
    int members = 0;
#pragma omp parallel reduction(+ : members)
    members += 1;
    return members;
}

int main(void) {
    int want = omp_get_max_threads();
    if (team_members() != want) return 1;
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1) _exit(3); /* the parent is already gone */
        _exit(team_members() == want && team_members() == want ? 0 : 2);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("child failed: status %d\n", status);
        return 1;
    }
    if (team_members() != want) return 1; /* the parent's pool still works */
    printf("fork_region: OK (team of %d)\n", want);
    return 0;
}
