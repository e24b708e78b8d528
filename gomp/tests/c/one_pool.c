/* OpenMP code and parfor's C API in one process, both from one parfor-gomp file: inside an
 * OpenMP region, parfor sees the same team (level, thread number, team size), so there is one
 * runtime; parfor's own kernels run beside it. Prints "one_pool: OK". */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include "parfor.h"

int main(void) {
    double pi = 0;
    if (parfor_pi(1000000, 42, &pi) != PARFOR_OK || fabs(pi - 3.14159) > 0.01) return 1;
    int mismatches = 0, members = 0;
#pragma omp parallel num_threads(3) reduction(+ : mismatches, members)
    {
        members += 1;
        mismatches += parfor_get_level() != omp_get_level();
        mismatches += parfor_get_thread_num() != omp_get_thread_num();
        mismatches += parfor_get_team_num_threads() != omp_get_num_threads();
        mismatches += !parfor_in_parallel();
    }
    if (parfor_pi(1000000, 43, &pi) != PARFOR_OK || fabs(pi - 3.14159) > 0.01) return 1;
    printf("members=%d mismatches=%d\n", members, mismatches);
    if (mismatches != 0 || members < 1) return 1;
    puts("one_pool: OK");
    return 0;
}
